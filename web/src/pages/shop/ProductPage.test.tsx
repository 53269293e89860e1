import { screen } from '@testing-library/react';
import type { Cart } from '../../shop/cart';
import { authResponse, json, mockApi, renderWithProviders } from '../../test/render';
import { testProduct } from '../admin/testFixtures';
import { ProductPage } from './ProductPage';

const product = testProduct();

function cartHolding(quantity: number): Cart {
  return {
    cartId: null, currency: 'EUR', subtotal: 9000 * quantity, itemCount: quantity, readyForCheckout: true,
    lines: quantity === 0 ? [] : [{
      sku: 'RUN-42-BLK', quantity, productId: product.id, name: product.name, slug: product.slug, options: { size: '42' },
      unitPrice: 9000, lineTotal: 9000 * quantity, currency: 'EUR', availability: 'in_stock', purchasable: true, problem: null,
    }],
  };
}

function renderPage(inCart: number) {
  const api = mockApi({
    'GET /api/v1/products/trail-runner': () => json(product),
    'GET /api/v1/products/:productId/reviews': () => json({ items: [], nextCursor: null }),
    'GET /api/v1/cart': () => json(cartHolding(inCart)),
    'PUT /api/v1/cart/items/:sku': (call) => json(cartHolding((call.body as { quantity: number }).quantity)),
  });
  const view = renderWithProviders(<ProductPage />, { session: authResponse(), route: '/p/trail-runner', path: '/p/:slug' });
  return { api, ...view };
}

describe('ProductPage: adding to the cart', () => {
  it('adds to what the cart already holds and says so', async () => {
    const { api, user } = renderPage(2);

    await user.click(await screen.findByRole('button', { name: 'Add to cart' }));

    expect(await screen.findByText(/Added to your cart\./)).toHaveAttribute('role', 'status');
    expect(api.callsTo('PUT /api/v1/cart/items/RUN-42-BLK')[0]?.body).toEqual({ quantity: 3 });
  });

  it('says the cart is at its limit instead of "added" when it already holds 99', async () => {
    const { api, user } = renderPage(99);

    await user.click(await screen.findByRole('button', { name: 'Add to cart' }));

    expect(await screen.findByText(/as many as one order can take/)).toHaveAttribute('role', 'status');
    expect(screen.queryByText('Added to your cart.')).toBeNull();
    expect(api.callsTo('PUT /api/v1/cart/items/RUN-42-BLK')).toHaveLength(0);
  });
});

describe('ProductPage: choosing a variant', () => {
  // In stock: S-red and M-blue only.
  const variant = (sku: string, size: string, colour: string, availability: string) =>
    ({ sku, options: { size, colour }, price: 9000, compareAtPrice: null, weightGrams: 800, availability });
  const twoWay = testProduct({
    variants: [
      variant('TEE-S-RED', 'S', 'red', 'in_stock'),
      variant('TEE-S-BLU', 'S', 'blue', 'out_of_stock'),
      variant('TEE-M-RED', 'M', 'red', 'out_of_stock'),
      variant('TEE-M-BLU', 'M', 'blue', 'in_stock'),
      variant('TEE-L-RED', 'L', 'red', 'out_of_stock'),
    ],
  });

  it('reaches every variant in stock, moving the other choice when it must, and says which values are sold out', async () => {
    const api = mockApi({
      'GET /api/v1/products/trail-runner': () => json(twoWay),
      'GET /api/v1/products/:productId/reviews': () => json({ items: [], nextCursor: null }),
      'GET /api/v1/cart': () => json(cartHolding(0)),
      'PUT /api/v1/cart/items/:sku': () => json(cartHolding(0)),
    });
    const { user } = renderWithProviders(<ProductPage />, { session: authResponse(), route: '/p/trail-runner', path: '/p/:slug' });

    expect(await screen.findByRole('button', { name: 'S' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: 'blue' })); // no S-blue in stock: M-blue
    expect(screen.getByRole('button', { name: 'M' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: 'blue' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('button', { name: 'L (sold out)' })).toBeDisabled();

    await user.click(screen.getByRole('button', { name: 'Add to cart' }));
    await vi.waitFor(() => expect(api.callsTo('PUT /api/v1/cart/items/TEE-M-BLU')).toHaveLength(1));
  });
});
