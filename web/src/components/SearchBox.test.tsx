import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { hang, json, mockApi, renderWithProviders } from '../test/render';
import { SearchBox } from './SearchBox';

describe('SearchBox', () => {
  it('suggests products as the shopper types, opens the one chosen with the arrow keys, and otherwise searches the text', async () => {
    const api = mockApi({
      'GET /api/v1/products/suggest?q=tea': () => json([{ name: 'Teapot', slug: 'teapot' }, { name: 'Tea cup', slug: 'tea-cup' }]),
      'GET /api/v1/products/suggest?q=teas': () => json([]),
    });
    const view = renderWithProviders(<SearchBox />);
    await view.settled();

    // Keys pressed without a pause (delay: null), all within the debounce: one request, for the whole text.
    await userEvent.setup({ delay: null }).type(screen.getByRole('combobox', { name: 'Search products' }), 'tea');
    const options = await screen.findAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['Teapot', 'Tea cup']);
    expect(api.callsTo('GET /api/v1/products/suggest').map((call) => call.url.searchParams.get('q'))).toEqual(['tea']);

    await view.user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(view.location()).toBe('/p/tea-cup');

    await view.user.type(screen.getByRole('combobox'), '{Escape}s{Enter}');
    expect(view.location()).toBe('/search?q=teas');
  });

  it('gives up the suggestions of text the shopper has typed past, instead of leaving the request running', async () => {
    const api = mockApi({
      'GET /api/v1/products/suggest?q=te': hang,
      'GET /api/v1/products/suggest?q=tea': () => json([{ name: 'Teapot', slug: 'teapot' }]),
      'GET /api/v1/products/suggest?q=teas': () => json([]),
    });
    const view = renderWithProviders(<SearchBox />);
    await view.settled();
    const box = screen.getByRole('combobox', { name: 'Search products' });

    await view.user.type(box, 'te');
    await waitFor(() => expect(api.callsTo('GET /api/v1/products/suggest')).toHaveLength(1));
    await view.user.type(box, 'a');

    expect((await screen.findByRole('option')).textContent).toBe('Teapot');
    const [first] = api.callsTo('GET /api/v1/products/suggest');
    expect(first!.url.searchParams.get('q')).toBe('te');
    expect(first!.request.signal.aborted).toBe(true);
  });
});
