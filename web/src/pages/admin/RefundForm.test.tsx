import { screen } from '@testing-library/react';
import { authResponse, edgeProblem, hang, json, mockApi, problem, renderWithProviders, type Reply } from '../../test/render';
import { RefundForm } from './orders/RefundForm';
import { useAdminOrder } from './orders/orders';
import { adminKeys } from './queryKeys';
import { testOrder } from './testFixtures';

const order = testOrder({ status: 'delivered', total: 10000, refunded: 2000 });
const refund = `POST /api/v1/admin/orders/${order.id}/refund`;

function renderForm() {
  return renderWithProviders(<RefundForm order={order} />, { session: authResponse({ roles: ['admin'] }) });
}

describe('RefundForm', () => {
  beforeEach(() => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('refunds everything left with amount null and the refunded amount it was shown, after confirming', async () => {
    const api = mockApi({ [refund]: () => json({ ...order, status: 'refunded', refunded: 10000 }) });
    const { user } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Refund' }));

    await vi.waitFor(() => expect(api.callsTo(refund)).toHaveLength(1));
    expect(api.callsTo(refund)[0]?.body).toEqual({ amount: null, expectedRefunded: 2000 });
    expect(window.confirm).toHaveBeenCalledWith(expect.stringContaining('80.00'));
  });

  it('turns a partial amount typed as decimal text into minor units', async () => {
    const api = mockApi({ [refund]: () => json({ ...order, status: 'partially_refunded', refunded: 3250 }) });
    const { user } = renderForm();

    await user.click(screen.getByLabelText('Part of it'));
    await user.type(screen.getByLabelText('Amount to refund (EUR)'), '12,50');
    await user.click(screen.getByRole('button', { name: 'Refund' }));

    await vi.waitFor(() => expect(api.callsTo(refund)).toHaveLength(1));
    expect(api.callsTo(refund)[0]?.body).toEqual({ amount: 1250, expectedRefunded: 2000 });
  });

  it('refuses an amount it cannot read, without asking the service', async () => {
    const api = mockApi({});
    const { user } = renderForm();

    await user.click(screen.getByLabelText('Part of it'));
    await user.type(screen.getByLabelText('Amount to refund (EUR)'), '12.505');
    await user.click(screen.getByRole('button', { name: 'Refund' }));

    expect(screen.getByLabelText('Amount to refund (EUR)')).toHaveAccessibleDescription(/like 12.50/);
    expect(window.confirm).not.toHaveBeenCalled();
    expect(api.callsTo(refund)).toHaveLength(0);
  });

  it('sends nothing when the person does not confirm', async () => {
    vi.mocked(window.confirm).mockReturnValue(false);
    const api = mockApi({});
    const { user } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Refund' }));

    expect(window.confirm).toHaveBeenCalled();
    expect(api.callsTo(refund)).toHaveLength(0);
  });

  /** Sends a refund the service answers with `reply`; the order must be reloaded. Returns the alert shown. */
  async function refundReloadingAfter(reply: Reply): Promise<HTMLElement> {
    mockApi({ [refund]: reply });
    const { user, queryClient } = renderForm();
    const reloaded = [adminKeys.order(order.id), adminKeys.payment(order.id), adminKeys.orders, adminKeys.summary];
    for (const key of reloaded) queryClient.setQueryData(key, {});
    queryClient.setQueryData(adminKeys.order(order.id), order);

    await user.click(screen.getByRole('button', { name: 'Refund' }));

    const alert = await screen.findByRole('alert');
    await vi.waitFor(() => expect(reloaded.map((key) => queryClient.getQueryState(key)?.isInvalidated)).toEqual([true, true, true, true]));
    return alert;
  }

  it('reloads the order when the service says its refunds changed meanwhile, so the next attempt sends what is true now', async () => {
    const alert = await refundReloadingAfter(() =>
      problem(409, { title: 'Conflict', detail: "The order's refunds changed since it was loaded: €30.00 is refunded now." }),
    );
    expect(alert).toHaveTextContent('refunds changed');
  });

  it('reloads the order when its answer never came (the edge gave up: the refund may have gone through)', async () => {
    const alert = await refundReloadingAfter(() => edgeProblem(504));
    expect(alert).toHaveTextContent('may still have been done');
  });

  it('shows a failure at once, while the order is still being read again', async () => {
    let reads = 0;
    mockApi({
      [refund]: () => edgeProblem(504),
      // The page's first read answers; the one after the failure does not (the order service is slow).
      [`GET /api/v1/admin/orders/${order.id}`]: (call) => (++reads === 1 ? json(order) : hang(call)),
      'GET /api/v1/payments': () => json([]),
    });
    function OrderPage() {
      const shown = useAdminOrder(order.id);
      return shown.data ? <RefundForm order={shown.data} /> : null;
    }
    const { user } = renderWithProviders(<OrderPage />, { session: authResponse({ roles: ['admin'] }) });

    await user.click(await screen.findByRole('button', { name: 'Refund' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('may still have been done');
    await vi.waitFor(() => expect(reads).toBe(2)); // the reload was asked for, and has not answered
  });

  it('reloads the order when the connection is lost before any answer (the refund may have gone through)', async () => {
    const alert = await refundReloadingAfter(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(alert).toHaveTextContent('check whether it was done before trying again');
  });

  it("shows the service's sentence when it refuses more than was captured", async () => {
    mockApi({ [refund]: () => problem(400, { title: 'The request has invalid fields', detail: 'Refund between 1 and 8000 (minor units).' }) });
    const { user } = renderForm();

    await user.click(screen.getByLabelText('Part of it'));
    await user.type(screen.getByLabelText('Amount to refund (EUR)'), '95');
    await user.click(screen.getByRole('button', { name: 'Refund' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Refund between 1 and 8000 (minor units).');
    expect(screen.getByRole('button', { name: 'Refund' })).toBeEnabled();
  });
});
