// Synthetics canary: the storefront's HTML shell loads over HTTPS and names the app root the SPA mounts on.
const synthetics = require('Synthetics');
const log = require('SyntheticsLogger');

exports.handler = async () => {
  const page = await synthetics.getPage();
  const response = await page.goto(process.env.BASE_URL + process.env.PATH_UNDER_TEST, { waitUntil: 'domcontentloaded', timeout: 30000 });
  if (!response || response.status() !== 200) throw new Error(`storefront answered ${response && response.status()}`);
  await page.waitForSelector('#root', { timeout: 10000 });
  await synthetics.takeScreenshot('storefront', 'loaded');
  log.info('storefront ok');
};
