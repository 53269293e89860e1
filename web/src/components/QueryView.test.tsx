// One query's states: a query that never got its data shows the error; one whose later read fails keeps its page.
import { screen } from '@testing-library/react';
import { useQuery } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../api/client';
import { json, mockApi, problem, renderWithProviders } from '../test/render';
import { QueryView } from './ui';

function Categories() {
  const query = useQuery({
    queryKey: ['categories'],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/categories', { signal })),
  });
  return (
    <QueryView query={query}>
      {(data) => (
        <>
          <label>
            Note <input defaultValue="" />
          </label>
          <span>{data.length} categories</span>
        </>
      )}
    </QueryView>
  );
}

const unavailable = () => problem(503, { title: 'Service Unavailable', detail: 'Catalog did not answer.' });

describe('QueryView', () => {
  it('shows the error when the first read fails', async () => {
    mockApi({ 'GET /api/v1/categories': unavailable });
    renderWithProviders(<Categories />);
    expect(await screen.findByRole('alert')).toHaveTextContent('Catalog did not answer.');
  });

  it('keeps the page, and what was typed in it, when a later read fails, with a note', async () => {
    let reads = 0;
    mockApi({ 'GET /api/v1/categories': () => (++reads === 1 ? json([]) : unavailable()) });
    const view = renderWithProviders(<Categories />);
    await view.user.type(await screen.findByLabelText('Note'), 'half-typed');

    await view.queryClient.invalidateQueries({ queryKey: ['categories'] });

    expect(await screen.findByRole('status')).toHaveTextContent('This may be out of date: Catalog did not answer.');
    expect(screen.getByLabelText('Note')).toHaveValue('half-typed');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
