// Synthetics canary: the product API lists at least one product (catalog, its database and cache are up).
const log = require('SyntheticsLogger');

exports.handler = async () => {
  const response = await fetch(process.env.BASE_URL + process.env.PATH_UNDER_TEST, { headers: { accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`product list answered ${response.status}`);
  const body = await response.json();
  const items = body.items ?? body;
  if (!Array.isArray(items) || items.length === 0) throw new Error('product list is empty');
  log.info(`product list ok (${items.length})`);
};
