// The customer's order page: a cancellation that could not finish at once shows as under way, and is not offered again.
import { screen } from '@testing-library/react';
import { vi } from 'vitest';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { testOrder } from '../admin/testFixtures';
import { OrderDetailPage } from './OrderDetailPage';

function renderOrder(order: () => ReturnType<typeof testOrder>, cancel: () => Response) {
  const api = mockApi({ 'GET /api/v1/orders/:id': () => json(order()), 'POST /api/v1/orders/:id/cancel': cancel });
  return { api, ...renderWithProviders(<OrderDetailPage />, { session: authResponse(), route: `/orders/${order().id}`, path: '/orders/:id' }) };
}

describe('cancelling an order', () => {
  beforeEach(() => vi.spyOn(window, 'confirm').mockReturnValue(true));

  it('shows a cancellation the shop completes later as under way, without the button', async () => {
    let order = testOrder({ status: 'confirmed' });
    const { user } = renderOrder(() => order, () => {
      order = { ...order, cancellationRequestedAt: '2026-11-21T09:00:00Z' }; // written down, then payments did not answer
      return problem(503, { title: 'Try again', detail: 'The payment service did not answer; the cancellation is recorded and will be completed shortly.' });
    });

    await user.click(await screen.findByRole('button', { name: 'Cancel order' }));

    expect(await screen.findByText('Your cancellation is being completed. We will e-mail you when it is done.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
  });

  it('offers the button again once the shop dropped a cancellation it could not complete', async () => {
    let order = testOrder({ status: 'confirmed', cancellationRequestedAt: '2026-11-21T09:00:00Z' });
    const { queryClient } = renderOrder(() => order, () => json({}));
    expect(await screen.findByText('Your cancellation is being completed. We will e-mail you when it is done.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();

    order = { ...order, cancellationRequestedAt: null }; // the card network refused the void: the order stays confirmed
    await queryClient.invalidateQueries({ queryKey: ['order', order.id] }); // what the page's polling does

    expect(await screen.findByRole('button', { name: 'Cancel order' })).toBeInTheDocument();
    expect(screen.queryByText(/Your cancellation is being completed/)).not.toBeInTheDocument();
  });
});

describe('watching an order settle', () => {
  it('reads the cart again once the order it watches is confirmed (its lines left the cart)', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      let order = testOrder({ status: 'authorized' });
      const { api, queryClient } = renderOrder(() => order, () => json({}));
      expect(await screen.findByText('Order 1042')).toBeInTheDocument();
      const invalidated = vi.spyOn(queryClient, 'invalidateQueries');
      const reads = () => api.callsTo(`GET /api/v1/orders/${order.id}`).length;
      const before = reads();

      order = { ...order, status: 'confirmed' };
      // The page's own polling, every 2 s while the order is in flight.
      await vi.advanceTimersByTimeAsync(1000);
      expect(reads()).toBe(before);
      await vi.advanceTimersByTimeAsync(1000);
      expect(reads()).toBe(before + 1);
      await vi.waitFor(() => expect(screen.getByText('Confirmed')).toBeInTheDocument());

      expect(invalidated).toHaveBeenCalledWith({ queryKey: ['cart'] });
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads the order again when a cancellation is refused, so it shows why', async () => {
    let order = testOrder({ status: 'confirmed' });
    const { user } = renderOrder(() => order, () => {
      order = { ...order, status: 'shipped', carrier: 'DHL', trackingNumber: 'JJD000777' };
      return problem(409, { title: 'Conflict', detail: 'This order has shipped and can no longer be cancelled; ask for a refund instead.' });
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);

    await user.click(await screen.findByRole('button', { name: 'Cancel order' }));

    expect(await screen.findByText('Shipped')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Cancel order' })).not.toBeInTheDocument();
  });
});

describe('an order that was not placed', () => {
  it('does not say the card paid for it, and offers another card after a decline', async () => {
    const order = testOrder({ status: 'payment_failed', failureReason: 'payment_declined: insufficient_funds' });
    renderOrder(() => order, () => json({}));

    expect(await screen.findByRole('alert')).toHaveTextContent('Your payment did not go through');
    expect(screen.getByText('Card: visa ending in 4242')).toBeInTheDocument();
    expect(screen.queryByText(/Paid with/)).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Try another card' })).toHaveAttribute('href', '/checkout');
  });

  it('sends the shopper to the cart after items sold out', async () => {
    const order = testOrder({ status: 'rejected', failureReason: 'out_of_stock: TEE-M-GRY' });
    renderOrder(() => order, () => json({}));

    expect(await screen.findByRole('alert')).toHaveTextContent('some items sold out');
    expect(screen.getByRole('link', { name: 'Review your cart' })).toHaveAttribute('href', '/cart');
  });

  it('says the card paid for a confirmed order', async () => {
    renderOrder(() => testOrder({ status: 'confirmed' }), () => json({}));
    expect(await screen.findByText('Paid with visa ending in 4242')).toBeInTheDocument();
  });
});
