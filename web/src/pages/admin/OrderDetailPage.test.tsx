// The Actions section shows only when there is something to do to the order and the person may do it.
import { screen } from '@testing-library/react';
import type { Role } from '../../auth/auth';
import { authResponse, json, mockApi, renderWithProviders } from '../../test/render';
import AdminRoutes from './AdminRoutes';
import type { Order } from './types';
import { testOrder, testPayment } from './testFixtures';

function renderOrder(order: Order, role: Role = 'admin') {
  mockApi({
    'GET /api/v1/admin/orders/:id/notes': () => json([]),
    'GET /api/v1/admin/orders/:id': () => json(order),
    'GET /api/v1/payments': () => json(testPayment(order.id)),
  });
  return renderWithProviders(<AdminRoutes />, { session: authResponse({ roles: [role] }), route: `/admin/orders/${order.id}`, path: '/admin/*' });
}

describe('order detail actions', () => {
  it.each(['cancelled', 'refunded', 'rejected', 'payment_failed', 'pending'])('shows no Actions section for a %s order', async (status) => {
    renderOrder(testOrder({ status }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Order 1042' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Items' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Actions' })).not.toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Actions' })).not.toBeInTheDocument();
  });

  it.each([
    ['on_hold', 'Approve order'],
    ['confirmed', 'Mark as shipped'],
    ['shipped', 'Mark as delivered'],
    ['delivered', 'Refund'],
    ['partially_refunded', 'Refund'],
  ])('shows the Actions section for a %s order', async (status, button) => {
    renderOrder(testOrder({ status, refunded: status === 'partially_refunded' ? 2000 : 0 }));

    const section = await screen.findByRole('region', { name: 'Actions' });
    expect(section).toContainElement(screen.getByRole('button', { name: button }));
  });

  it.each([
    ['shipped', null, true],
    ['partially_refunded', null, true], // refunded in part while in transit: it can still arrive
    ['partially_refunded', '2026-11-21T09:00:00Z', false],
    ['delivered', '2026-11-21T09:00:00Z', false],
  ])('offers delivery for a %s order delivered at %s: %s', async (status, deliveredAt, offered) => {
    renderOrder(testOrder({ status, deliveredAt, refunded: status === 'partially_refunded' ? 2000 : 0 }));

    const section = await screen.findByRole('region', { name: 'Actions' });
    expect(section).toContainElement(screen.getByRole('button', { name: 'Refund' }));
    if (offered) expect(screen.getByRole('button', { name: 'Mark as delivered' })).toBeInTheDocument();
    else expect(screen.queryByRole('button', { name: 'Mark as delivered' })).not.toBeInTheDocument();
  });

  it.each(['on_hold', 'confirmed'])('offers nothing but says so while a cancellation of a %s order is under way', async (status) => {
    renderOrder(testOrder({ status, cancellationRequestedAt: '2026-11-21T09:00:00Z' }));

    const section = await screen.findByRole('region', { name: 'Actions' });
    expect(section).toHaveTextContent('A cancellation of this order is under way');
    expect(screen.queryByRole('button', { name: /Approve order|Reject order|Mark as shipped|Cancel order/ })).not.toBeInTheDocument();
  });

  it('shows no Actions section to support staff, whatever the status', async () => {
    renderOrder(testOrder({ status: 'confirmed' }), 'support');

    expect(await screen.findByRole('heading', { level: 1, name: 'Order 1042' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Actions' })).not.toBeInTheDocument();
  });
});
