import { screen } from '@testing-library/react';
import { getGuestCartId, getLeftOut, setGuestCartId, setLeftOut } from '../api/cartId';
import { getSession } from '../api/session';
import { authResponse, json, mockApi, renderWithProviders } from '../test/render';
import { useCart } from '../shop/cart';
import { useAuth } from './auth';

function CartCount() {
  const { signIn, signOut } = useAuth();
  const cart = useCart();
  return (
    <>
      <p>items: {cart.data?.itemCount ?? 0}</p>
      <button type="button" onClick={() => void signIn('ada@example.com', 'correct horse battery')}>
        sign in
      </button>
      <button type="button" onClick={() => void signOut()}>
        sign out
      </button>
    </>
  );
}

const emptyCart = { cartId: null, lines: [], currency: 'EUR', subtotal: 0, itemCount: 0, readyForCheckout: false };

describe('signing in', () => {
  it('merges the guest cart with the new token before anything reads the customer cart', async () => {
    setGuestCartId('0196a1b2-0000-7000-8000-00000000cafe');
    let merged = false;
    const api = mockApi({
      'POST /api/v1/auth/login': () => json(authResponse()),
      'POST /api/v1/cart/merge': () => {
        merged = true;
        return json({ ...emptyCart, itemCount: 1, leftOut: [] });
      },
      // The customer's cart holds the guest's item only once the merge has landed.
      'GET /api/v1/cart': (call) =>
        json(call.request.headers.get('Authorization') ? { ...emptyCart, itemCount: merged ? 1 : 0 } : { ...emptyCart, itemCount: 1, cartId: getGuestCartId() }),
    });
    const view = renderWithProviders(<CartCount />);
    await view.settled();

    await view.user.click(screen.getByRole('button', { name: 'sign in' }));

    expect(await screen.findByText('items: 1')).toBeInTheDocument();
    const merge = api.calls.findIndex((c) => c.path === '/api/v1/cart/merge');
    const firstCustomerRead = api.calls.findIndex((c) => c.method === 'GET' && c.path === '/api/v1/cart' && c.request.headers.get('Authorization'));
    expect(api.calls[merge]?.request.headers.get('Authorization')).toBe('Bearer test-access-token');
    expect(firstCustomerRead).toBeGreaterThan(merge);
    expect(getGuestCartId()).toBeNull();
  });

  it('keeps the guest lines a full cart left out, for the cart page to name', async () => {
    setGuestCartId('0196a1b2-0000-7000-8000-00000000cafe');
    mockApi({
      'POST /api/v1/auth/login': () => json(authResponse()),
      'POST /api/v1/cart/merge': () => json({ ...emptyCart, itemCount: 100, leftOut: [{ sku: 'CLIP-1', quantity: 4 }] }),
      'POST /api/v1/auth/logout': () => new Response(null, { status: 204 }),
      'GET /api/v1/cart': () => json({ ...emptyCart, itemCount: 100 }),
    });
    const view = renderWithProviders(<CartCount />);
    await view.settled();

    await view.user.click(screen.getByRole('button', { name: 'sign in' }));

    expect(await screen.findByText('items: 100')).toBeInTheDocument();
    expect(getLeftOut()).toEqual([{ sku: 'CLIP-1', quantity: 4 }]);
    expect(getGuestCartId()).toBeNull();

    // They were this customer's: whoever uses the browser next does not see them.
    await view.user.click(screen.getByRole('button', { name: 'sign out' }));
    await vi.waitFor(() => expect(getLeftOut()).toEqual([]));
  });

  it('forgets lines an earlier sign-in in this tab left out', async () => {
    setLeftOut([{ sku: 'SOMEONE-ELSES', quantity: 1 }]);
    mockApi({ 'POST /api/v1/auth/login': () => json(authResponse()), 'GET /api/v1/cart': () => json(emptyCart) });
    const view = renderWithProviders(<CartCount />);
    await view.settled();

    await view.user.click(screen.getByRole('button', { name: 'sign in' }));

    await vi.waitFor(() => expect(getSession()).not.toBeNull());
    expect(getLeftOut()).toEqual([]);
  });

  it('keeps the guest cart id when the cart service does not answer, to merge it later', async () => {
    setGuestCartId('0196a1b2-0000-7000-8000-00000000cafe');
    const api = mockApi({
      'POST /api/v1/auth/login': () => json(authResponse()),
      'POST /api/v1/cart/merge': () => json({ status: 503, title: 'Unavailable' }, 503),
      'GET /api/v1/cart': () => json(emptyCart),
    });
    const view = renderWithProviders(<CartCount />);
    await view.settled();

    await view.user.click(screen.getByRole('button', { name: 'sign in' }));

    // Sign-in has run its course: its merge was asked for (and failed) and the session is published; the provider
    // then retries once the user is known, which fails the same way.
    await vi.waitFor(() => {
      expect(getSession()).not.toBeNull();
      expect(api.callsTo('POST /api/v1/cart/merge')).toHaveLength(2);
    });
    expect(getGuestCartId()).toBe('0196a1b2-0000-7000-8000-00000000cafe');
  });
});
