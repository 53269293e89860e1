import { screen } from '@testing-library/react';
import { getGuestCartId, setGuestCartId } from '../api/cartId';
import { REQUEST_TIMEOUT_MS } from '../api/timeout';
import { hang } from '../test/api';
import { json, mockApi, renderWithProviders } from '../test/render';
import { useCart, useCartActions } from './cart';

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

/** The cart's line count, and a button that adds PEN-1 and then PEN-2, queued one behind the other. */
function CartAndAddTwo() {
  const current = useCart();
  return (
    <>
      <p>lines: {current.data?.lines.length ?? 0}</p>
      <AddTwo />
    </>
  );
}

/** The cart's line count, and a button that adds PEN-1. */
function CartAndAdd() {
  const current = useCart();
  const { setQuantity } = useCartActions();
  return (
    <>
      <p>lines: {current.data?.lines.length ?? 0}</p>
      <button type="button" onClick={() => setQuantity.mutate({ sku: 'PEN-1', quantity: 1 })}>
        add
      </button>
    </>
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

  it('wait for a change that gets no answer only until it times out, then go on', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const given = '0196a1b2-0000-4000-8000-00000000c0de';
      const api = mockApi({
        'PUT /api/v1/cart/items/PEN-1': hang,
        'PUT /api/v1/cart/items/PEN-2': () => json(cart(given, ['PEN-2'])),
      });
      const view = renderWithProviders(<AddTwo />);
      await view.settled();

      await view.user.click(screen.getByRole('button', { name: 'add both' }));
      const puts = () => api.calls.filter((c) => c.method === 'PUT').map((c) => c.path);
      await vi.waitFor(() => expect(puts()).toEqual(['/api/v1/cart/items/PEN-1']));

      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);

      await vi.waitFor(() => expect(puts()).toEqual(['/api/v1/cart/items/PEN-1', '/api/v1/cart/items/PEN-2']));
      await vi.waitFor(() => expect(getGuestCartId()).toBe(given));
    } finally {
      vi.useRealTimers();
    }
  });

  it('keep the cart a change was given when an older read answers late about the cart it replaced', async () => {
    const expired = '0196a1b2-0000-4000-8000-0000000dead1';
    const given = '0196a1b2-0000-4000-8000-00000000c0de';
    setGuestCartId(expired);
    let answerRead: (response: Response) => void = () => undefined;
    const api = mockApi({
      'GET /api/v1/cart': () => new Promise<Response>((resolve) => (answerRead = resolve)),
      'PUT /api/v1/cart/items/:sku': () => json(cart(given, ['PEN-1'])),
    });
    const view = renderWithProviders(<CartAndAdd />);
    await vi.waitFor(() => expect(api.calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/cart')).toHaveLength(1));

    await view.user.click(screen.getByRole('button', { name: 'add' }));
    expect(await screen.findByText('lines: 1')).toBeInTheDocument();
    expect(getGuestCartId()).toBe(given);

    // The read sent with the expired id answers now, about that (empty) cart.
    const late = json(cart(expired, []));
    answerRead(late);
    await vi.waitFor(() => expect(late.bodyUsed).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the read's last steps after its body: remembering the id
    expect(getGuestCartId()).toBe(given);
    expect(screen.getByText('lines: 1')).toBeInTheDocument();
  });

  it('read the cart again after a change that failed, which may have been made all the same', async () => {
    const id = '0196a1b2-0000-4000-8000-00000000c0de';
    setGuestCartId(id);
    let made = false;
    const api = mockApi({
      'GET /api/v1/cart': () => json(cart(id, made ? ['PEN-1'] : [])),
      // The change is made, but its answer is lost on the way back.
      'PUT /api/v1/cart/items/:sku': () => {
        made = true;
        return Promise.reject(new TypeError('Failed to fetch'));
      },
    });
    const view = renderWithProviders(<CartAndAdd />);
    await view.settled();
    const reads = () => api.callsTo('GET /api/v1/cart').length;
    const before = reads();

    await view.user.click(screen.getByRole('button', { name: 'add' }));

    expect(await screen.findByText('lines: 1')).toBeInTheDocument();
    expect(reads()).toBe(before + 1);
  });

  it('stop a read the first change asked for once the second, queued behind it, has its answer', async () => {
    const id = '0196a1b2-0000-4000-8000-00000000c0de';
    setGuestCartId(id);
    let late: ((response: Response) => void) | undefined;
    let reads = 0;
    const api = mockApi({
      // The first read shows the empty cart; the read after the first change's lost answer answers late, with the cart
      // as it was before the second change.
      'GET /api/v1/cart': () => (++reads === 1 ? json(cart(id, [])) : new Promise<Response>((resolve) => (late = resolve))),
      'PUT /api/v1/cart/items/PEN-1': () => Promise.reject(new TypeError('Failed to fetch')),
      'PUT /api/v1/cart/items/PEN-2': () => json(cart(id, ['PEN-1', 'PEN-2'])),
    });
    const view = renderWithProviders(<CartAndAddTwo />);
    await view.settled();
    await vi.waitFor(() => expect(view.queryClient.getQueryState(['cart', 'guest'])?.status).toBe('success')); // the first read answered

    await view.user.click(screen.getByRole('button', { name: 'add both' }));

    expect(await screen.findByText('lines: 2')).toBeInTheDocument();
    const reread = api.callsTo('GET /api/v1/cart')[1]!;
    expect(reread.request.signal.aborted).toBe(true);
    late?.(json(cart(id, ['PEN-1'])));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.getByText('lines: 2')).toBeInTheDocument();
  });

  it("keep the change's answer when a read sent while the change was at work answers after it", async () => {
    const id = '0196a1b2-0000-4000-8000-00000000c0de';
    setGuestCartId(id);
    let answerChange: (response: Response) => void = () => undefined;
    let answerRead: ((response: Response) => void) | undefined;
    let reads = 0;
    const api = mockApi({
      'GET /api/v1/cart': () => (++reads === 1 ? json(cart(id, [])) : new Promise<Response>((resolve) => (answerRead = resolve))),
      'PUT /api/v1/cart/items/:sku': () => new Promise<Response>((resolve) => (answerChange = resolve)),
    });
    const view = renderWithProviders(<CartAndAdd />);
    await view.settled();
    expect(screen.getByText('lines: 0')).toBeInTheDocument();

    await view.user.click(screen.getByRole('button', { name: 'add' }));
    await vi.waitFor(() => expect(api.callsTo('PUT /api/v1/cart/items/PEN-1')).toHaveLength(1));
    // Something reads the cart while the change is at work (the connection comes back, another part of the page mounts);
    // the service answers it before the change is made, but the answer comes late.
    void view.queryClient.refetchQueries({ queryKey: ['cart', 'guest'] });
    await vi.waitFor(() => expect(answerRead).toBeDefined());
    answerChange(json(cart(id, ['PEN-1'])));
    expect(await screen.findByText('lines: 1')).toBeInTheDocument();

    answerRead?.(json(cart(id, [])));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(screen.getByText('lines: 1')).toBeInTheDocument();
    expect(api.callsTo('GET /api/v1/cart')[1]?.request.signal.aborted).toBe(true);
  });
});
