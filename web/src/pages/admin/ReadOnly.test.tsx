// Support staff see the whole back office but change nothing: every mutating control is hidden or disabled.
import { screen } from '@testing-library/react';
import type { Role } from '../../auth/auth';
import { authResponse, json, mockApi, renderWithProviders } from '../../test/render';
import AdminRoutes from './AdminRoutes';
import { testOrder, testPayment, testProduct } from './testFixtures';

const order = testOrder({ status: 'confirmed' });
const product = testProduct();

function renderAs(role: Role, route: string) {
  mockApi({
    'GET /api/v1/admin/orders/:id/notes': () => json([{ type: 'note', detail: 'Customer called about the size.', actor: 'ann', at: '2025-05-01T10:00:00Z' }]),
    'GET /api/v1/admin/orders/:id': () => json(order),
    'GET /api/v1/payments': () => json(testPayment(order.id)),
    'GET /api/v1/admin/products/:id': () => json(product),
    'GET /api/v1/admin/categories': () => json([{ ...product.category, parentId: null, position: 0, children: [] }]),
    'GET /api/v1/admin/reviews': () =>
      json({
        items: [
          {
            id: 'r1',
            productId: product.id,
            authorName: 'Ann',
            title: 'Great',
            body: 'Fits well.',
            rating: 5,
            hidden: false,
            verifiedPurchase: true,
            createdAt: '2025-05-01T10:00:00Z',
            updatedAt: '2025-05-01T10:00:00Z',
          },
        ],
        nextCursor: null,
      }),
  });
  return renderWithProviders(<AdminRoutes />, { session: authResponse({ roles: [role] }), route, path: '/admin/*' });
}

describe('back office for support staff', () => {
  it('shows an order with its notes and payment but no actions', async () => {
    renderAs('support', `/admin/orders/${order.id}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Order 1042' })).toBeInTheDocument();
    expect(await screen.findByText('Customer called about the size.')).toBeInTheDocument();
    expect(await screen.findByText('Authorize')).toBeInTheDocument();
    expect(screen.getByText(/read-only access/)).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Actions' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /shipped|cancel/i })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('New internal note')).not.toBeInTheDocument();
  });

  it('gives admins the same order with its actions', async () => {
    renderAs('admin', `/admin/orders/${order.id}`);

    expect(await screen.findByRole('button', { name: 'Mark as shipped' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Cancel order' })).toBeInTheDocument();
    expect(screen.getByLabelText('New internal note')).toBeInTheDocument();
    expect(screen.queryByText(/read-only access/)).not.toBeInTheDocument();
  });

  it('shows a product with disabled fields and no editing buttons', async () => {
    renderAs('support', `/admin/products/${product.id}`);

    expect(await screen.findByRole('heading', { level: 1, name: 'Trail Runner' })).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toBeDisabled();
    expect(screen.queryByRole('button', { name: /save product|archive|upload|delete|edit variant/i })).not.toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Add variant' })).not.toBeInTheDocument();
  });

  it('lists reviews without hide or restore buttons', async () => {
    renderAs('support', '/admin/reviews');

    expect(await screen.findByText('Fits well.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Hide review by Ann' })).not.toBeInTheDocument();
  });

  it('lets admins hide a review by its author', async () => {
    renderAs('admin', '/admin/reviews');

    expect(await screen.findByRole('button', { name: 'Hide review by Ann' })).toBeEnabled();
  });
});
