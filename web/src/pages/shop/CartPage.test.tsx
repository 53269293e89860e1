import { act, screen, within } from '@testing-library/react';
import { getLeftOut, setGuestCartId, setLeftOut } from '../../api/cartId';
import type { Cart, CartLine } from '../../shop/cart';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { CartPage } from './CartPage';

function line(overrides: Partial<CartLine> = {}): CartLine {
  return {
    sku: 'TEE-M-GRY',
    quantity: 2,
    productId: '0196a1b2-0000-7000-8000-0000000000aa',
    name: 'Quill Tee',
    slug: 'quill-tee',
    options: { size: 'M', colour: 'Grey' },
    unitPrice: 1999,
    lineTotal: 3998,
    currency: 'EUR',
    availability: 'in_stock',
    purchasable: true,
    problem: null,
    ...overrides,
  };
}

function cart(lines: CartLine[], overrides: Partial<Cart> = {}): Cart {
  return {
    cartId: null,
    lines,
    currency: 'EUR',
    subtotal: lines.reduce((sum, l) => sum + (l.lineTotal ?? 0), 0),
    itemCount: lines.reduce((sum, l) => sum + l.quantity, 0),
    readyForCheckout: lines.every((l) => l.purchasable),
    ...overrides,
  };
}

describe('CartPage', () => {
  it('shows the lines with the prices the server computed, and the subtotal', async () => {
    mockApi({ 'GET /api/v1/cart': () => json(cart([line(), line({ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: 850, lineTotal: 850, options: {} })])) });
    renderWithProviders(<CartPage />, { session: authResponse() });

    const rows = await screen.findAllByRole('row');
    expect(rows).toHaveLength(3); // header + two lines
    expect(within(rows[1]!).getByRole('link', { name: 'Quill Tee' })).toHaveAttribute('href', '/p/quill-tee');
    expect(rows[1]).toHaveTextContent('size: M, colour: Grey');
    expect(rows[1]).toHaveTextContent('€39.98');
    expect(screen.getByText('Subtotal').nextElementSibling).toHaveTextContent('€48.48');
    expect(screen.getByRole('button', { name: 'Check out' })).toBeEnabled();
  });

  it('names the guest lines that did not fit at sign-in until the shopper dismisses them', async () => {
    setLeftOut([{ sku: 'CLIP-1', quantity: 4 }, { sku: 'CLIP-2', quantity: 1 }]);
    mockApi({ 'GET /api/v1/cart': () => json(cart([line()])) });
    const { user } = renderWithProviders(<CartPage />, { session: authResponse() });

    const notice = await screen.findByText(/2 items from the cart you filled before signing in did not fit/);
    expect(notice).toHaveTextContent('CLIP-1 × 4, CLIP-2 × 1');
    await user.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByText(/did not fit/)).not.toBeInTheDocument();
    expect(getLeftOut()).toEqual([]);
  });

  it('shows lines a merge leaves out after the page has loaded, though the cart itself did not change', async () => {
    mockApi({ 'GET /api/v1/cart': () => json(cart([line()])) });
    renderWithProviders(<CartPage />, { session: authResponse() });
    await screen.findAllByRole('row');
    expect(screen.queryByText(/did not fit/)).not.toBeInTheDocument();

    act(() => setLeftOut([{ sku: 'CLIP-1', quantity: 4 }]));

    expect(screen.getByText(/One item from the cart you filled before signing in did not fit/)).toHaveTextContent('CLIP-1 × 4');
  });

  it('changes a quantity and removes a line through the cart service, showing its answer', async () => {
    const api = mockApi({
      'GET /api/v1/cart': () => json(cart([line()])),
      'PUT /api/v1/cart/items/:sku': () => json(cart([line({ quantity: 3, lineTotal: 5997 })])),
      'DELETE /api/v1/cart/items/:sku': () => json(cart([])),
    });
    const { user } = renderWithProviders(<CartPage />, { session: authResponse() });

    await user.selectOptions(await screen.findByLabelText('Quantity of Quill Tee'), '3');
    expect(api.callsTo('PUT /api/v1/cart/items/TEE-M-GRY')[0]?.body).toEqual({ quantity: 3 });
    expect(await screen.findByText('€59.97', { selector: 'td *' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Remove Quill Tee' }));
    expect(await screen.findByText('Your cart is empty.')).toBeInTheDocument();
  });

  it('explains a line that cannot be ordered and keeps checkout closed', async () => {
    mockApi({
      'GET /api/v1/cart': () => json(cart([line({ purchasable: false, availability: 'out_of_stock', problem: 'Only 1 left.' })])),
    });
    renderWithProviders(<CartPage />, { session: authResponse() });

    expect(await screen.findByText('Only 1 left.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Check out' })).toBeDisabled();
    expect(screen.getByText(/Some items cannot be ordered/)).toBeInTheDocument();
  });

  it("sends a guest's cart id and shows a refused change as a sentence", async () => {
    setGuestCartId('0196a1b2-0000-7000-8000-00000000cafe');
    const api = mockApi({
      'GET /api/v1/cart': () => json(cart([line()], { cartId: '0196a1b2-0000-7000-8000-00000000cafe' })),
      'PUT /api/v1/cart/items/:sku': () =>
        problem(400, { title: 'Bad Request', errors: { quantity: ['Only 2 are in stock.'] } }),
    });
    const { user } = renderWithProviders(<CartPage />);

    await user.selectOptions(await screen.findByLabelText('Quantity of Quill Tee'), '5');
    expect(await screen.findByRole('alert')).toHaveTextContent('Only 2 are in stock.');
    expect(api.callsTo('GET /api/v1/cart')[0]?.request.headers.get('Cart-Id')).toBe('0196a1b2-0000-7000-8000-00000000cafe');
    expect(screen.getByRole('button', { name: 'Sign in and check out' })).toBeInTheDocument();
  });

  it('offers every quantity the cart accepts (1–99), and drops an old error once a newer change works', async () => {
    mockApi({
      'GET /api/v1/cart': () => json(cart([line(), line({ sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: 850, lineTotal: 850, options: {} })])),
      'PUT /api/v1/cart/items/:sku': () => problem(400, { title: 'Bad Request', errors: { quantity: ['Only 2 are in stock.'] } }),
      'DELETE /api/v1/cart/items/:sku': () => json(cart([line()])),
    });
    const { user } = renderWithProviders(<CartPage />, { session: authResponse() });

    const quantity = await screen.findByLabelText('Quantity of Quill Tee');
    expect(within(quantity).getAllByRole('option').map((o) => o.textContent)).toEqual(Array.from({ length: 99 }, (_, i) => String(i + 1)));
    await user.selectOptions(quantity, '5');
    expect(await screen.findByRole('alert')).toHaveTextContent('Only 2 are in stock.');

    await user.click(screen.getByRole('button', { name: 'Remove Mug' }));
    await vi.waitFor(() => expect(screen.queryByRole('button', { name: 'Remove Mug' })).toBeNull());
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("shows a line priced in another currency in its own currency, not the cart's", async () => {
    mockApi({
      'GET /api/v1/cart': () =>
        json(cart([line(), line({ sku: 'TEA-1', name: 'Sencha', quantity: 1, unitPrice: 1200, lineTotal: 1200, currency: 'JPY', options: {}, problem: 'Priced in another currency.' })], { subtotal: 3998, readyForCheckout: false })),
    });
    renderWithProviders(<CartPage />, { session: authResponse() });

    const rows = await screen.findAllByRole('row');
    expect(rows[2]).toHaveTextContent('¥1,200');
    expect(rows[2]).not.toHaveTextContent('€');
    expect(rows[2]).toHaveTextContent('Priced in another currency.');
    expect(screen.getByText('Subtotal').nextElementSibling).toHaveTextContent('€39.98');
  });

  it('shows no subtotal while catalog cannot price the lines', async () => {
    mockApi({
      'GET /api/v1/cart': () =>
        json(cart([line({ unitPrice: null, lineTotal: null, currency: null, name: null, slug: null, availability: 'unknown', purchasable: false, problem: 'The price and stock cannot be shown right now; try again in a moment.' })], { currency: null, subtotal: 0 })),
    });
    renderWithProviders(<CartPage />, { session: authResponse() });

    expect(await screen.findByText(/cannot be shown right now/)).toBeInTheDocument();
    expect(screen.getByText('Subtotal').nextElementSibling).toHaveTextContent('—');
    expect(screen.queryByText(/0\.00/)).toBeNull();
  });

  it('empties the cart only once the shopper confirms', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false);
    const api = mockApi({ 'GET /api/v1/cart': () => json(cart([line()])), 'DELETE /api/v1/cart': () => json(cart([])) });
    const { user } = renderWithProviders(<CartPage />, { session: authResponse() });

    await user.click(await screen.findByRole('button', { name: 'Empty cart' }));
    expect(confirm).toHaveBeenCalledWith('Remove every item from your cart?');
    expect(api.callsTo('DELETE /api/v1/cart')).toHaveLength(0);

    confirm.mockReturnValue(true);
    await user.click(screen.getByRole('button', { name: 'Empty cart' }));
    expect(await screen.findByText('Your cart is empty.')).toBeInTheDocument();
    expect(api.callsTo('DELETE /api/v1/cart')).toHaveLength(1);
    confirm.mockRestore();
  });

  it('says so when there is nothing in the cart', async () => {
    mockApi({});
    const view = renderWithProviders(<CartPage />);
    await view.settled();
    expect(await screen.findByText('Your cart is empty.')).toBeInTheDocument();
  });
});
