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
