// Synthetics canary: a synthetic customer signs in, puts the first product in the cart and checks out with a
// sandbox test card. In prod it stops after pricing the cart (PLACE_ORDER=false) so no real order is placed.
const { SecretsManagerClient, GetSecretValueCommand } = require('@aws-sdk/client-secrets-manager');

async function call(path, options = {}) {
  const response = await fetch(process.env.BASE_URL + path, {
    ...options,
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(options.headers ?? {}) },
  });
  if (!response.ok) throw new Error(`${options.method ?? 'GET'} ${path} answered ${response.status}`);
  return response.status === 204 ? null : response.json();
}

exports.handler = async () => {
  const secrets = new SecretsManagerClient({});
  const secret = await secrets.send(new GetSecretValueCommand({ SecretId: process.env.CUSTOMER_SECRET_ID }));
  const customer = JSON.parse(secret.SecretString);

  const login = await call('/api/v1/auth/login', { method: 'POST', body: JSON.stringify({ email: customer.email, password: customer.password }) });
  const auth = { authorization: `Bearer ${login.accessToken}` };

  const products = await call('/api/v1/products?limit=1');
  const sku = (products.items ?? products)[0].variants?.[0]?.sku ?? (products.items ?? products)[0].sku;
  await call('/api/v1/cart', { method: 'DELETE', headers: auth });
  await call(`/api/v1/cart/items/${encodeURIComponent(sku)}`, { method: 'PUT', headers: auth, body: JSON.stringify({ quantity: 1 }) });
  const cart = await call('/api/v1/cart', { headers: auth });
  if (!cart.lines?.length && !cart.items?.length) throw new Error('cart is empty after adding a product');

  if (process.env.PLACE_ORDER !== 'true') return;
  const order = await call(process.env.PATH_UNDER_TEST, {
    method: 'POST',
    headers: { ...auth, 'idempotency-key': `canary-${Date.now()}` },
    body: JSON.stringify({
      shippingAddress: customer.address,
      shippingMethod: 'standard',
      paymentToken: customer.paymentToken,
    }),
  });
  if (order.status !== 'Confirmed') throw new Error(`checkout ended ${order.status}: ${order.failureReason ?? ''}`);
};
