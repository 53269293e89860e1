// A category edit replaces name, parent and position: it is sent with the version its form opened with, so an edit
// from a page loaded before someone else's change (a move, a rename) is refused rather than undoing that change.
import { screen, within } from '@testing-library/react';
import { authResponse, edgeProblem, json, mockApi, problem, renderWithProviders } from '../../test/render';
import AdminRoutes from './AdminRoutes';

const running = { id: 'c-run', parentId: null, slug: 'running', name: 'Running', position: 2, version: 3, children: [] };

describe('CategoriesPage', () => {
  it('saves an edit against the version the form opened with, and shows the refusal when it is outdated', async () => {
    let sent: unknown;
    mockApi({
      'GET /api/v1/admin/categories': () => json([running]),
      'PUT /api/v1/admin/categories/:id': ({ body }) => {
        sent = body;
        return problem(409, { title: 'Conflict', detail: 'Someone else changed this category since you loaded it (it is now at version 4).' });
      },
    });
    const view = renderWithProviders(<AdminRoutes />, { session: authResponse({ roles: ['admin'] }), route: '/admin/categories', path: '/admin/*' });

    await view.user.click(await screen.findByRole('button', { name: 'Edit category Running' }));
    const form = within(screen.getByRole('form', { name: 'Edit category Running' }));
    const name = form.getByLabelText('Name');
    await view.user.clear(name);
    await view.user.type(name, 'Running & trail');
    await view.user.click(form.getByRole('button', { name: 'Save' }));

    expect(await screen.findByText(/Someone else changed this category/)).toBeInTheDocument();
    expect(sent).toMatchObject({ name: 'Running & trail', slug: null, parentId: null, position: 2, version: 3 });
  });

  it('reads the categories again after a create whose answer never came, so the page shows it was made', async () => {
    let categories = [running];
    mockApi({
      'GET /api/v1/admin/categories': () => json(categories),
      'POST /api/v1/admin/categories': () => {
        categories = [running, { id: 'c-trail', parentId: null, slug: 'trail', name: 'Trail', position: 0, version: 1, children: [] }];
        return edgeProblem(504);
      },
    });
    const view = renderWithProviders(<AdminRoutes />, { session: authResponse({ roles: ['admin'] }), route: '/admin/categories', path: '/admin/*' });
    const form = within(await screen.findByRole('form', { name: 'New category' }));

    await view.user.type(form.getByLabelText('Name'), 'Trail');
    await view.user.click(form.getByRole('button', { name: 'Create category' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('may still have been done');
    expect(await screen.findByRole('button', { name: 'Edit category Trail' })).toBeInTheDocument();
  });
});

