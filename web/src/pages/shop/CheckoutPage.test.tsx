import { screen } from '@testing-library/react';
import type { Cart } from '../../shop/cart';
import type { Order, Quote } from '../../shop/orders';
import { authResponse, edgeProblem, json, mockApi, problem, renderWithProviders, type ApiCall, type Reply, type Routes } from '../../test/render';
import { attemptKey, cartSignature } from '../../shop/checkoutAttempt';
import { Checkout, CheckoutPage } from './CheckoutPage';
import { testOrder } from '../admin/testFixtures';

const cart: Cart = {
  cartId: null,
  currency: 'EUR',
  subtotal: 4000,
  itemCount: 2,
  readyForCheckout: true,
  lines: [
    {
      sku: 'TEE-M-GRY', quantity: 2, productId: '0196a1b2-0000-7000-8000-0000000000aa', name: 'Quill Tee', slug: 'quill-tee',
      options: { size: 'M' }, unitPrice: 2000, lineTotal: 4000, currency: 'EUR', availability: 'in_stock', purchasable: true, problem: null,
    },
  ],
};

const quote: Quote = {
  currency: 'EUR',
  subtotal: 4000,
  weightGrams: 400,
  taxBasisPoints: 1900,
  // Ordering's figures: 19 % tax on goods and shipping, rounded half away from zero.
  methods: [
    { method: 'standard', name: 'Standard (3–5 days)', price: 495, tax: 854, total: 5349 },
    { method: 'express', name: 'Express (next day)', price: 1290, tax: 1005, total: 6295 },
  ],
};

/** An order as checkout answers it: the cart's totals, to Berlin. */
const order = (overrides: Partial<Order> = {}): Order =>
  testOrder({
    id: '0196a1b2-0000-7000-8000-00000000beef', subtotal: 4000, shipping: 495, tax: 854, total: 5349,
    shippingAddress: { name: 'Ada Lovelace', line1: 'Hauptstraße 1', line2: null, city: 'Berlin', postalCode: '10115', region: null, country: 'DE' },
    lines: [], timeline: [], createdAt: '2026-11-21T08:00:00Z', updatedAt: '2026-11-21T08:00:00Z',
    ...overrides,
  });

const token = (last4: string) => json({ token: `tok_${last4}_${Math.random()}`, brand: 'visa', last4, expMonth: 12, expYear: 2034 }, 201);
const keyOf = (call: ApiCall | undefined) => call?.request.headers.get('Idempotency-Key');
/** The shipping quote and a card token every checkout needs, and the routes a test is about (which may replace them). */
const checkoutApi = (routes: Routes) =>
  mockApi({ 'GET /api/v1/shipping/quote': () => json(quote), 'POST /api/v1/payments/sandbox/tokens': () => token('4242'), ...routes });

afterEach(() => vi.restoreAllMocks());

async function toReview(user: ReturnType<typeof renderWithProviders>['user'], card = '4242 4242 4242 4242') {
  await toPayment(user);
  await enterCard(user, card);
}

async function toPayment(user: ReturnType<typeof renderWithProviders>['user']) {
  await user.type(screen.getByLabelText('Full name'), 'Ada Lovelace');
  await user.type(screen.getByLabelText('Address'), 'Hauptstraße 1');
  await user.type(screen.getByLabelText('Postal code'), '10115');
  await user.type(screen.getByLabelText('City'), 'Berlin');
  await user.click(screen.getByRole('button', { name: 'Continue to shipping' }));
  await user.click(await screen.findByRole('radio', { name: /Standard/ }));
  await user.click(screen.getByRole('button', { name: 'Continue to payment' }));
}

/** Types a card and asks for the review; waits for the review unless the card is expected to be refused. */
async function enterCard(user: ReturnType<typeof renderWithProviders>['user'], card: string, { refused = false } = {}) {
  await user.type(await screen.findByLabelText('Card number'), card);
  await user.type(screen.getByLabelText('Expiry (MM/YY)'), '12/34');
  await user.type(screen.getByLabelText('Security code'), '123');
  await user.click(screen.getByRole('button', { name: 'Review order' }));
  if (!refused) await screen.findByRole('heading', { name: 'Review your order' });
}

/** Presses Place order once per message, each answered by a refusal that shows that message. */
async function placeAndSee(user: ReturnType<typeof renderWithProviders>['user'], ...messages: string[]) {
  for (const message of messages) {
    await user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
  }
}

/**
 * Places an order whose answer is lost (a 504: the request may still be at work), then changes the card: the next
 * "Place order" is a new attempt, and ordering's look-up of the first one answers with lookup. A second order succeeds.
 */
async function afterALostAnswerAndANewCard(lookup: Reply) {
  const api = checkoutApi({
    'POST /api/v1/orders': () =>
      // The edge gave up waiting (504): the request may still be at work in ordering.
      api.callsTo('POST /api/v1/orders').length === 1 ? edgeProblem(504) : json(order(), 201),
    'GET /api/v1/orders/attempts/:key': lookup,
  });
  const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
  await toReview(view.user);
  await placeAndSee(view.user, 'took too long to answer');
  await view.user.click(screen.getByRole('button', { name: 'Change card' }));
  await enterCard(view.user, '5555 5555 5555 4444');
  return { api, view };
}

describe('Checkout', () => {
  it('names every missing address field before asking for shipping', async () => {
    const api = mockApi({});
    const { user } = renderWithProviders(<Checkout cart={cart} />, { session: authResponse({ displayName: '' }) });

    await user.click(screen.getByRole('button', { name: 'Continue to shipping' }));

    expect(screen.getByLabelText('Full name')).toHaveAccessibleDescription('Enter your full name.');
    expect(screen.getByLabelText('Postal code')).toHaveAccessibleDescription('Enter your postal code.');
    expect(screen.getByLabelText('City')).toHaveAccessibleDescription('Enter your city.');
    expect(api.callsTo('GET /api/v1/shipping/quote')).toHaveLength(0);
  });

  it('refuses a mistyped card without sending it anywhere', async () => {
    const api = mockApi({ 'GET /api/v1/shipping/quote': () => json(quote) });
    const { user } = renderWithProviders(<Checkout cart={cart} />, { session: authResponse() });
    await user.type(screen.getByLabelText('Full name'), 'Ada');
    await user.type(screen.getByLabelText('Address'), 'Hauptstraße 1');
    await user.type(screen.getByLabelText('Postal code'), '10115');
    await user.type(screen.getByLabelText('City'), 'Berlin');
    await user.click(screen.getByRole('button', { name: 'Continue to shipping' }));
    await user.click(await screen.findByRole('radio', { name: /Express/ }));
    await user.click(screen.getByRole('button', { name: 'Continue to payment' }));

    await user.type(await screen.findByLabelText('Card number'), '4242 4242 4242 4241');
    await user.type(screen.getByLabelText('Expiry (MM/YY)'), '13/30');
    await user.click(screen.getByRole('button', { name: 'Review order' }));

    expect(screen.getByLabelText('Card number')).toHaveAccessibleDescription('Enter a valid card number.');
    expect(screen.getByLabelText('Expiry (MM/YY)')).toHaveAccessibleDescription('Enter the expiry date as MM/YY.');
    expect(screen.getByLabelText('Security code')).toHaveAccessibleDescription('Enter the 3 or 4 digit security code.');
    expect(api.callsTo('POST /api/v1/payments/sandbox/tokens')).toHaveLength(0);
    expect(api.callsTo('GET /api/v1/shipping/quote')[0]?.url.searchParams.get('country')).toBe('DE');
  });

  it('shows the totals as ordering computes them and places the order with one key across retries', async () => {
    // Ordering releases a key whose first attempt ended in a 503 before any order existed, so the retry runs anew.
    let attempts = 0;
    const api = checkoutApi({
      'POST /api/v1/orders': () => (++attempts === 1 ? problem(503, { title: 'Unavailable', detail: 'Payments did not answer; try again.' }) : json(order(), 201)),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);

    // The quote's figures for the method chosen: 40.00 + 4.95 shipping + 8.54 tax = 53.49.
    expect(screen.getByText(/^Tax/).nextElementSibling).toHaveTextContent('€8.54');
    expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€53.49');
    expect(screen.getByText(/visa ending in 4242/)).toBeInTheDocument();

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Payments did not answer; try again.');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const [first, second] = api.callsTo('POST /api/v1/orders');
    expect(keyOf(first)).toMatch(/^[0-9a-f-]{36}$/);
    expect(keyOf(second)).toBe(keyOf(first));
    expect(first?.body).toMatchObject({ shippingMethod: 'standard', shippingAddress: { country: 'DE', city: 'Berlin' }, expectedTotal: 5349 });
    expect(JSON.stringify(first?.body)).not.toContain('4242 4242'); // only the token travels
  });

  it('shows a changed total as a refusal that stays while the changed cart is quoted again, and places the next attempt at the new total', async () => {
    // Another tab added a third tee after this one quoted the cart.
    let current = cart;
    const third: Cart = { ...cart, subtotal: 6000, itemCount: 3, lines: [{ ...cart.lines[0]!, quantity: 3, lineTotal: 6000 }] };
    const quoteOf = (c: Cart): Quote => ({
      ...quote,
      subtotal: c.subtotal,
      methods: quote.methods.map((m) => (m.method === 'standard' && c === third ? { ...m, tax: 1234, total: 7729 } : m)),
    });
    const api = checkoutApi({
      'GET /api/v1/cart': () => json(current),
      'GET /api/v1/shipping/quote': () => json(quoteOf(current)),
      'POST /api/v1/orders': () =>
        api.callsTo('POST /api/v1/orders').length === 1
          ? problem(422, { title: 'The total changed', detail: 'The order now comes to €77.29, not €53.49 as shown: the cart or a price changed meanwhile.' })
          : json(order({ total: 7729 }), 201),
    });
    const view = renderWithProviders(<CheckoutPage />, { session: authResponse(), route: '/checkout' });
    await screen.findByLabelText('Full name');
    await toReview(view.user);

    current = third;
    await placeAndSee(view.user, 'The order now comes to €77.29');
    await vi.waitFor(() => expect(screen.getByText('Total').nextElementSibling).toHaveTextContent('€77.29'));
    expect(screen.getByRole('alert')).toHaveTextContent('The order now comes to €77.29'); // still there to say why

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const [first, second] = api.callsTo('POST /api/v1/orders');
    expect(first?.body).toMatchObject({ expectedTotal: 5349 });
    expect(second?.body).toMatchObject({ expectedTotal: 7729 });
    expect(keyOf(second)).not.toBe(keyOf(first)); // ordering recorded the refusal for the first key: the new total is a new attempt
  });

  it('keeps the checkout and what was typed when a later read of the cart fails', async () => {
    let reads = 0;
    checkoutApi({
      'GET /api/v1/cart': () => (++reads === 1 ? json(cart) : problem(503, { title: 'Unavailable', detail: 'The cart could not be read.' })),
    });
    const view = renderWithProviders(<CheckoutPage />, { session: authResponse(), route: '/checkout' });
    await view.user.type(await screen.findByLabelText('Address'), 'Hauptstraße 1');

    await view.queryClient.invalidateQueries({ queryKey: ['cart'] });
    await view.settled();

    expect(reads).toBe(2);
    expect(view.queryClient.getQueryState(['cart', authResponse().user.id])?.status).toBe('error'); // the read did fail
    expect(screen.getByLabelText('Address')).toHaveValue('Hauptstraße 1');
    expect(screen.queryByText('The cart could not be read.')).toBeNull();
  });

  it('after an answer that never came, asks what that attempt placed before placing another with a new card', async () => {
    // The shopper gives up on that card and enters another: a new token, so a new attempt, but the first went through.
    const { api, view } = await afterALostAnswerAndANewCard(() => json(order({ status: 'on_hold' })));
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const posts = api.callsTo('POST /api/v1/orders');
    expect(posts).toHaveLength(1);
    expect(api.callsTo(`GET /api/v1/orders/attempts/${keyOf(posts[0])}`)).toHaveLength(1);
  });

  it('places the new attempt when the earlier one placed nothing, and places nothing while that is not known', async () => {
    let lookups = 0;
    const { api, view } = await afterALostAnswerAndANewCard(() =>
      ++lookups === 1
        ? problem(503, { title: 'Unavailable', detail: 'Orders cannot be read; try again.' })
        : problem(404, { title: 'Not Found', detail: 'No order was placed with this checkout attempt.' }),
    );

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Orders cannot be read; try again.');
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(1); // nothing placed while the first is not known

    // No order with that key yet, but the first request may still be at work for up to a minute.
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('may still be placing an order');
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(1);

    const later = Date.now() + 61_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const [first, second] = api.callsTo('POST /api/v1/orders');
    expect(keyOf(second)).not.toBe(keyOf(first));
  });

  it('keeps the earlier attempt when its look-up is refused (a 429), and forgets one whose order failed', async () => {
    let lookups = 0;
    const { api, view } = await afterALostAnswerAndANewCard(() =>
      ++lookups === 1 ? problem(429, { title: 'Too Many Requests', detail: 'Too many requests; retry shortly.' }) : json(order({ status: 'payment_failed' })),
    );

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many requests');
    await view.user.click(screen.getByRole('button', { name: 'Place order' })); // asks again: the 429 said nothing about it
    // The earlier attempt's order failed: nothing stands, so this attempt is placed.
    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    expect(lookups).toBe(2);
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(2);
  });

  it('waits out an attempt ordering says is still being processed before placing another', async () => {
    const api = checkoutApi({
      'POST /api/v1/orders': () =>
        api.callsTo('POST /api/v1/orders').length === 1
          ? edgeProblem(504)
          : problem(409, { title: 'Conflict', detail: 'This checkout is still being processed; try again in a moment.' }),
      'GET /api/v1/orders/attempts/:key': () => problem(404, { title: 'Not Found', detail: 'No order was placed with this checkout attempt.' }),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);
    await placeAndSee(view.user, 'took too long to answer', 'still being processed');

    await view.user.click(screen.getByRole('button', { name: 'Change card' }));
    await enterCard(view.user, '5555 5555 5555 4444');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('may still be placing an order');
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(2);
  });

  it('asks about an unanswered attempt for another cart too, and shows its order if it stands', async () => {
    // An order on hold for review keeps its lines in the cart: the shopper changed the cart since, but that order stands.
    const earlierKey = attemptKey({ earlier: true }, cartSignature([{ sku: 'MUG-1', quantity: 1 }]));
    const api = checkoutApi({
      'GET /api/v1/orders/attempts/:key': () => json(order({ status: 'on_hold' })),
      'POST /api/v1/orders': () => json(order(), 201),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    expect(api.callsTo(`GET /api/v1/orders/attempts/${earlierKey}`)).toHaveLength(1);
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(0);
  });

  it('keeps the attempt when a retry is turned away before ordering saw it (too many requests, an ended session)', async () => {
    const api = checkoutApi({
      'POST /api/v1/orders': () =>
        api.callsTo('POST /api/v1/orders').length === 1
          ? problem(503, { title: 'Unavailable', detail: 'The payment service did not answer; try again in a moment.' })
          : api.callsTo('POST /api/v1/orders').length === 2
            ? problem(429, { title: 'Too Many Requests', detail: 'Too many requests; retry shortly.' })
            : json(order(), 201),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);

    await placeAndSee(view.user, 'did not answer', 'Too many requests');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const keys = api.callsTo('POST /api/v1/orders').map(keyOf);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1); // one attempt, one key: the server places it once
  });

  it("puts the focus on the field the card provider refused, with the provider's message", async () => {
    checkoutApi({
      'POST /api/v1/payments/sandbox/tokens': () =>
        problem(400, { title: 'The request has invalid fields', errors: { expYear: ['The expiry year is too far in the future.'] } }),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toPayment(view.user);
    await enterCard(view.user, '4242 4242 4242 4242', { refused: true });

    const expiry = screen.getByLabelText('Expiry (MM/YY)');
    await vi.waitFor(() => expect(expiry).toHaveFocus());
    expect(expiry).toHaveAccessibleDescription('The expiry year is too far in the future.');
  });

  it('sends a card token ordering no longer knows back to the payment step, and offers the cart when its items are gone', async () => {
    let answer = 0;
    const api = checkoutApi({
      'POST /api/v1/orders': () =>
        ++answer === 1
          ? problem(400, { title: 'The request has invalid fields', errors: { paymentToken: ['This card token is unknown or expired; enter the card again.'] } })
          : problem(422, { title: 'Items no longer sold', detail: 'Remove these from the cart: MUG-1' }),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);

    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('heading', { name: 'Payment' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('enter the card again');

    await enterCard(view.user, '4242 4242 4242 4242');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Remove these from the cart: MUG-1');
    expect(screen.getByRole('link', { name: 'Review your cart' })).toHaveAttribute('href', '/cart');
    expect(api.callsTo('POST /api/v1/orders')).toHaveLength(2);
  });

  it('sends a declined card back to the payment step with the reason, and the next card is a new attempt', async () => {
    const api = checkoutApi({
      'POST /api/v1/payments/sandbox/tokens': (call) => token(String((call.body as { number: string }).number).slice(-4)),
      'POST /api/v1/orders': (call) =>
        String((call.body as { paymentToken: string }).paymentToken).startsWith('tok_9995')
          ? json(order({ status: 'payment_failed', failureReason: 'payment_declined: insufficient_funds' }), 201)
          : json(order(), 201),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user, '4000 0000 0000 9995');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(await screen.findByRole('heading', { name: 'Payment' })).toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent('the card has insufficient funds. No order was placed and nothing was charged.');
    expect(view.location()).toBe('/checkout');

    await enterCard(view.user, '4242 4242 4242 4242');
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));
    await vi.waitFor(() => expect(view.location()).toBe(`/orders/${order().id}?placed=1`));
    const [declined, paid] = api.callsTo('POST /api/v1/orders');
    expect(keyOf(paid)).not.toBe(keyOf(declined));
  });
  it("takes the shopper back to the address with ordering's message next to the field it concerns", async () => {
    checkoutApi({
      'POST /api/v1/orders': () =>
        problem(400, { title: 'One or more validation errors occurred.', errors: { 'shippingAddress.postalCode': ['A German postal code has five digits.'] } }),
    });
    const view = renderWithProviders(<Checkout cart={cart} />, { session: authResponse(), route: '/checkout' });
    await toReview(view.user);
    await view.user.click(screen.getByRole('button', { name: 'Place order' }));

    expect(await screen.findByRole('heading', { name: 'Shipping address' })).toBeInTheDocument();
    expect(screen.getByLabelText('Postal code')).toHaveAccessibleDescription('A German postal code has five digits.');
    expect(screen.getByLabelText('Postal code')).toHaveValue('10115');
  });
});
