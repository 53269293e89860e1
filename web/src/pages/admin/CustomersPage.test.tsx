// Locking an account after an answer that never came: the list is read again, so the page shows what the server did
// instead of a button that offers the same change a second time. (Role changes are wired the same way: reloadWhenUnsure.)
import { screen } from '@testing-library/react';
import { authResponse, edgeProblem, json, mockApi, renderWithProviders } from '../../test/render';
import AdminRoutes from './AdminRoutes';

const shopper = { id: 'u-1', displayName: 'Ada Shopper', email: 'ada@example.com', createdAt: '2026-11-01T10:00:00Z', locked: false, roles: ['customer'] };

describe('CustomersPage', () => {
  it('reads the accounts again after a lock whose answer never came, so the page shows it was locked', async () => {
    let user = shopper;
    mockApi({
      'GET /api/v1/admin/users': () => json({ items: [user], nextCursor: null }),
      'POST /api/v1/admin/users/:id/lock': () => {
        user = { ...shopper, locked: true };
        return edgeProblem(504);
      },
    });
    vi.spyOn(window, 'confirm').mockReturnValue(true);
    const view = renderWithProviders(<AdminRoutes />, { session: authResponse({ roles: ['admin'] }), route: '/admin/customers', path: '/admin/*' });

    await view.user.click(await screen.findByRole('button', { name: /^Lock/ }));

    expect(await screen.findByRole('alert')).toHaveTextContent('may still have been done');
    expect(await screen.findByRole('button', { name: /^Unlock/ })).toBeInTheDocument();
    expect(screen.getByText('Locked')).toBeInTheDocument();
  });
});
