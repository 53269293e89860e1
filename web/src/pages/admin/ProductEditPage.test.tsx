// The product's details form keeps unsaved edits when the product reloads with a new version (a variant or image
// change, someone else's save), says so, and still sends the version it started from.
import { screen, waitFor } from '@testing-library/react';
import { authResponse, json, mockApi, noContent, problem, renderWithProviders } from '../../test/render';
import AdminRoutes from './AdminRoutes';
import { adminKeys } from './queryKeys';
import type { ProductDetail } from './types';
import { testProduct } from './testFixtures';

const initialProduct = testProduct();
const productPath = `/api/v1/admin/products/${initialProduct.id}`;
const deleteVariant = `DELETE ${productPath}/variants/RUN-42-BLK`;
const notice = /This product changed since you started editing/;

function renderEditor(routes: Record<string, (call: { body: unknown }) => Response> = {}) {
  const server = { product: initialProduct };
  const api = mockApi({
    'GET /api/v1/admin/products/:id': () => json(server.product),
    'GET /api/v1/admin/categories': () => json([{ ...initialProduct.category, parentId: null, position: 0, children: [] }]),
    [deleteVariant]: () => {
      server.product = { ...server.product, variants: [], version: server.product.version + 1 };
      return noContent();
    },
    ...routes,
  });
  const view = renderWithProviders(<AdminRoutes />, {
    session: authResponse({ roles: ['admin'] }),
    route: `/admin/products/${initialProduct.id}`,
    path: '/admin/*',
  });
  /** someone else changes the product on the server; the page sees it on its next fetch */
  const changeOnServer = async (change: Partial<ProductDetail>) => {
    server.product = { ...server.product, ...change, version: server.product.version + 1 };
    await view.queryClient.invalidateQueries({ queryKey: adminKeys.product(initialProduct.id) });
  };
  return { api, view, server, changeOnServer };
}

describe('ProductEditPage', () => {
  beforeEach(() => {
    vi.spyOn(window, 'confirm').mockReturnValue(true);
  });
  afterEach(() => vi.restoreAllMocks());

  it('keeps unsaved details when a variant is deleted, and saves them against the version they started from', async () => {
    let saved: unknown;
    const { view } = renderEditor({
      [`PUT ${productPath}`]: ({ body }) => {
        saved = body;
        return problem(409, { title: 'Conflict', detail: 'The product was changed by someone else. Reload it and try again.' });
      },
    });
    const name = await screen.findByLabelText('Name');
    await view.user.clear(name);
    await view.user.type(name, 'Trail Runner Pro');

    await view.user.click(screen.getByRole('button', { name: 'Delete variant RUN-42-BLK' }));

    expect(await screen.findByText(notice)).toBeInTheDocument();
    expect(screen.getByText(/No variants yet/)).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner Pro');

    await view.user.click(screen.getByRole('button', { name: 'Save product' }));

    expect(await screen.findByText(/changed by someone else/)).toBeInTheDocument();
    expect(saved).toMatchObject({ name: 'Trail Runner Pro', version: 3 });
    expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner Pro');
    // one way to start over, in the notice
    expect(screen.getAllByRole('button', { name: 'Load the latest version' })).toHaveLength(1);
  });

  it('takes the new values when the form has no unsaved edits', async () => {
    const { changeOnServer } = renderEditor();
    expect(await screen.findByLabelText('Name')).toHaveValue('Trail Runner');

    await changeOnServer({ name: 'Trail Runner 2', brand: 'Stride Co' });

    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner 2'));
    expect(screen.getByLabelText('Brand')).toHaveValue('Stride Co');
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
  });

  it('drops the edits and loads the latest version on request, then saves against it', async () => {
    let saved: unknown;
    const { view, server, changeOnServer } = renderEditor({
      [`PUT ${productPath}`]: ({ body }) => {
        saved = body;
        server.product = { ...server.product, ...(body as Partial<ProductDetail>), version: server.product.version + 1 };
        return json(server.product);
      },
    });
    const brand = await screen.findByLabelText('Brand');
    await view.user.clear(brand);
    await view.user.type(brand, 'Mine');

    await changeOnServer({ name: 'Trail Runner 2' });

    expect(await screen.findByText(notice)).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner');
    expect(screen.getByLabelText('Brand')).toHaveValue('Mine');

    await view.user.click(screen.getByRole('button', { name: 'Load the latest version' }));

    expect(screen.queryByText(notice)).not.toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner 2');
    expect(screen.getByLabelText('Brand')).toHaveValue('Stride');

    await view.user.click(screen.getByRole('button', { name: 'Save product' }));

    expect(await screen.findByText('Saved: version 5.')).toBeInTheDocument();
    expect(saved).toMatchObject({ name: 'Trail Runner 2', version: 4 });
  });

  it('starts over from what was saved, without the notice', async () => {
    const { view, server } = renderEditor({
      [`PUT ${productPath}`]: ({ body }) => {
        server.product = { ...server.product, ...(body as Partial<ProductDetail>), version: server.product.version + 1 };
        return json(server.product);
      },
    });
    const name = await screen.findByLabelText('Name');
    await view.user.clear(name);
    await view.user.type(name, '  Trail Runner Pro ');
    await view.user.click(screen.getByRole('button', { name: 'Save product' }));

    expect(await screen.findByText('Saved: version 4.')).toBeInTheDocument();
    expect(screen.getByLabelText('Name')).toHaveValue('Trail Runner Pro');
    expect(screen.queryByText(notice)).not.toBeInTheDocument();

    // and the next reload is taken as it comes, since nothing is unsaved
    await view.user.click(screen.getByRole('button', { name: 'Delete variant RUN-42-BLK' }));
    expect(await screen.findByText(/No variants yet/)).toBeInTheDocument();
    expect(screen.queryByText(notice)).not.toBeInTheDocument();
  });

  it('saves a variant against the version its form opened with, so a change made meanwhile is refused, not overwritten', async () => {
    let sent: unknown;
    const { view, changeOnServer } = renderEditor({
      [`PUT ${productPath}/variants/RUN-42-BLK`]: ({ body }) => {
        sent = body;
        return problem(409, { title: 'Conflict', detail: 'Someone else changed this product since you loaded it (it is now at version 4).' });
      },
    });
    await view.user.click(await screen.findByRole('button', { name: 'Edit variant RUN-42-BLK' }));
    await changeOnServer({ name: 'Renamed elsewhere' });
    await screen.findByDisplayValue('Renamed elsewhere'); // the page has the new version
    await view.user.click(screen.getByRole('button', { name: 'Save variant RUN-42-BLK' }));

    expect(await screen.findByText(/Someone else changed this product/)).toBeInTheDocument();
    expect(sent).toMatchObject({ version: initialProduct.version });
  });
});
