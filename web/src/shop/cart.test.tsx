import { screen } from '@testing-library/react';
import { getGuestCartId } from '../api/cartId';
import { json, mockApi, renderWithProviders } from '../test/render';
import { useCartActions } from './cart';

function AddTwo() {
  const { setQuantity } = useCartActions();
  return (
    <button
      type="button"
      onClick={() => {
        setQuantity.mutate({ sku: 'PEN-1', quantity: 1 });
        setQuantity.mutate({ sku: 'PEN-2', quantity: 1 });
      }}
    >
      add both
    </button>
  );
}

const cart = (cartId: string, skus: string[]) => ({
  cartId,
  lines: skus.map((sku) => ({
    sku,
    quantity: 1,
    productId: null,
    name: sku,
    slug: null,
    options: {},
    unitPrice: 100,
    lineTotal: 100,
    currency: 'EUR',
    availability: 'in_stock',
    purchasable: true,
    problem: null,
  })),
  currency: 'EUR',
  subtotal: 100 * skus.length,
  itemCount: skus.length,
  readyForCheckout: true,
});

describe('cart changes', () => {
  it('run one after another, so the second goes to the cart the first was given', async () => {
    const given = '0196a1b2-0000-4000-8000-00000000c0de';
    const api = mockApi({
      'PUT /api/v1/cart/items/:sku': (call) =>
        json(call.request.headers.get('Cart-Id') === given ? cart(given, ['PEN-1', 'PEN-2']) : cart(given, ['PEN-1'])),
    });
    const view = renderWithProviders(<AddTwo />);
    await view.settled();

    await view.user.click(screen.getByRole('button', { name: 'add both' }));

    const puts = () => api.calls.filter((c) => c.method === 'PUT');
    await vi.waitFor(() => expect(puts()).toHaveLength(2));
    const [first, second] = puts();
    expect([first?.path, second?.path]).toEqual(['/api/v1/cart/items/PEN-1', '/api/v1/cart/items/PEN-2']);
    expect(first?.request.headers.get('Cart-Id')).toBeNull();
    expect(second?.request.headers.get('Cart-Id')).toBe(given);
    expect(getGuestCartId()).toBe(given);
  });
});
