// Category pages and search results: filters, sort and paging all live in the URL, so a listing can be shared,
// bookmarked and restored with the back button.
import { useEffect, useState } from 'react';
import { useQuery, keepPreviousData } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { catalogApi, unwrap } from '../../api/client';
import { ProductGrid } from '../../components/ProductCard';
import { Empty, ErrorState, Loading, NotFound, PageTitle } from '../../components/ui';
import { formatMoney } from '../../format';
import { findCategory, useCategories, type ProductPage } from '../../shop/catalog';

const sorts = [
  { value: 'relevance', label: 'Best match', needsText: true },
  { value: 'newest', label: 'Newest' },
  { value: 'price_asc', label: 'Price: low to high' },
  { value: 'price_desc', label: 'Price: high to low' },
  { value: 'rating', label: 'Customer rating' },
] as const;

const numberParam = (value: string | null) => (value !== null && /^\d+(\.\d+)?$/.test(value) ? Number(value) : undefined);

export function ListingPage({ mode }: { mode: 'category' | 'search' }) {
  const { slug } = useParams();
  const [params, setParams] = useSearchParams();
  const categories = useCategories();
  const q = mode === 'search' ? (params.get('q') ?? '').trim() : '';
  const filters = {
    q: q || undefined,
    category: mode === 'category' ? slug : (params.get('category') ?? undefined),
    brand: params.getAll('brand'),
    minPrice: numberParam(params.get('minPrice')),
    maxPrice: numberParam(params.get('maxPrice')),
    minRating: numberParam(params.get('minRating')),
    inStock: params.get('inStock') === 'true',
    sort: params.get('sort') ?? (q ? 'relevance' : 'newest'),
    cursor: params.get('cursor') ?? undefined,
  };

  const listing = useQuery({
    queryKey: ['products', 'list', filters],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/products', { params: { query: { ...filters, limit: 24 } }, signal })),
    placeholderData: keepPreviousData,
    enabled: mode === 'category' || q.length > 0,
  });

  /** Changes filters; any change of filter or sort starts again at the first page. */
  const update = (change: (next: URLSearchParams) => void) => {
    const next = new URLSearchParams(params);
    change(next);
    next.delete('cursor');
    setParams(next);
  };

  const category = mode === 'category' ? findCategory(categories.data, slug ?? '') : undefined;
  if (mode === 'category' && categories.isSuccess && !category) return <NotFound />;
  const title = mode === 'search' ? (q ? `Results for “${q}”` : 'Search') : (category?.name ?? '…');

  return (
    <>
      <PageTitle>{title}</PageTitle>
      {mode === 'search' && !q ? (
        <Empty>Type what you are looking for in the search box above.</Empty>
      ) : listing.isPending ? (
        <Loading label="Finding products…" />
      ) : listing.isError ? (
        <ErrorState error={listing.error} retry={() => void listing.refetch()} />
      ) : (
        <div className="listing">
          <Facets page={listing.data} params={params} update={update} mode={mode} />
          <section aria-labelledby="products-heading" aria-busy={listing.isFetching}>
            <h2 id="products-heading" className="visually-hidden">
              Products
            </h2>
            <div className="listing-bar">
              <p className="muted" role="status">
                {listing.data.total} product{listing.data.total === 1 ? '' : 's'}
              </p>
              <label>
                Sort by{' '}
                <select value={filters.sort} onChange={(event) => update((next) => next.set('sort', event.target.value))}>
                  {sorts
                    .filter((sort) => !('needsText' in sort) || q)
                    .map((sort) => (
                      <option key={sort.value} value={sort.value}>
                        {sort.label}
                      </option>
                    ))}
                </select>
              </label>
            </div>
            {listing.data.items.length ? (
              <ProductGrid products={listing.data.items} />
            ) : (
              <Empty action={<Link to={mode === 'search' ? `?q=${encodeURIComponent(q)}` : '?'}>Clear the filters</Link>}>
                No products match. Try fewer filters or another word.
              </Empty>
            )}
            <nav className="pager" aria-label="Pages">
              {filters.cursor && (
                <button type="button" className="button secondary" onClick={() => update(() => undefined)}>
                  First page
                </button>
              )}
              {listing.data.nextCursor && (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    const next = new URLSearchParams(params);
                    next.set('cursor', listing.data.nextCursor!);
                    setParams(next);
                    window.scrollTo(0, 0);
                  }}
                >
                  Next page
                </button>
              )}
            </nav>
          </section>
        </div>
      )}
    </>
  );
}

interface FacetsProps {
  page: ProductPage;
  params: URLSearchParams;
  update: (change: (next: URLSearchParams) => void) => void;
  mode: 'category' | 'search';
}

function Facets({ page, params, update, mode }: FacetsProps) {
  const brands = params.getAll('brand');
  const currency = page.items[0]?.currency ?? 'EUR';
  const priceKey = `${params.get('minPrice') ?? ''}-${params.get('maxPrice') ?? ''}`;
  const toggleBrand = (brand: string) =>
    update((next) => {
      next.delete('brand');
      for (const b of brands.includes(brand) ? brands.filter((x) => x !== brand) : [...brands, brand]) next.append('brand', b);
    });

  // On a phone the filters fold away below a "Filters" switch, so the products come first; from tablet width up
  // they are always open beside the grid.
  const wide = useMediaQuery('(min-width: 900px)');
  const [open, setOpen] = useState(false);
  return (
    <details className="facets" open={wide || open} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary className="facets-toggle">Filters</summary>
      <div role="group" aria-label="Filters">
      {page.facets.categories.length > 0 && (
        <fieldset>
          <legend>Category</legend>
          <ul className="plain">
            {mode === 'search' && params.has('category') && (
              <li>
                <label>
                  <input type="radio" name="category" checked={false} onChange={() => update((next) => next.delete('category'))} />
                  Any category
                </label>
              </li>
            )}
            {page.facets.categories.map((c) => (
              <li key={c.id}>
                {mode === 'search' ? (
                  <label>
                    <input
                      type="radio"
                      name="category"
                      checked={params.get('category') === c.slug}
                      onChange={() => update((next) => next.set('category', c.slug))}
                    />
                    {c.name} <span className="muted">({c.count})</span>
                  </label>
                ) : (
                  <Link to={`/c/${c.slug}`}>
                    {c.name} <span className="muted">({c.count})</span>
                  </Link>
                )}
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      {page.facets.brands.length > 0 && (
        <fieldset>
          <legend>Brand</legend>
          {page.facets.brands.map((b) => (
            <label key={b.value}>
              <input type="checkbox" checked={brands.includes(b.value)} onChange={() => toggleBrand(b.value)} />
              {b.value} <span className="muted">({b.count})</span>
            </label>
          ))}
        </fieldset>
      )}
      <fieldset>
        <legend>Price</legend>
        <label>
          <input
            type="radio"
            name="price"
            checked={priceKey === '-'}
            onChange={() =>
              update((next) => {
                next.delete('minPrice');
                next.delete('maxPrice');
              })
            }
          />
          Any price
        </label>
        {page.facets.prices.map((p) => {
          const key = `${p.min}-${p.max ?? ''}`;
          const label =
            p.max === null ? `${formatMoney(p.min, currency)} and above` : `${formatMoney(p.min, currency)} – ${formatMoney(p.max, currency)}`;
          return (
            <label key={key}>
              <input
                type="radio"
                name="price"
                checked={priceKey === key}
                onChange={() =>
                  update((next) => {
                    next.set('minPrice', String(p.min));
                    if (p.max === null) next.delete('maxPrice');
                    else next.set('maxPrice', String(p.max));
                  })
                }
              />
              {label} <span className="muted">({p.count})</span>
            </label>
          );
        })}
      </fieldset>
      <fieldset>
        <legend>Rating</legend>
        {[4, 3, 2].map((stars) => (
          <label key={stars}>
            <input
              type="radio"
              name="rating"
              checked={params.get('minRating') === String(stars)}
              onChange={() => update((next) => next.set('minRating', String(stars)))}
            />
            {stars} stars and up
          </label>
        ))}
        {params.has('minRating') && (
          <button type="button" className="link-button" onClick={() => update((next) => next.delete('minRating'))}>
            Any rating
          </button>
        )}
      </fieldset>
      <fieldset>
        <legend>Availability</legend>
        <label>
          <input
            type="checkbox"
            checked={params.get('inStock') === 'true'}
            onChange={(event) => update((next) => (event.target.checked ? next.set('inStock', 'true') : next.delete('inStock')))}
          />
          In stock only
        </label>
      </fieldset>
      </div>
    </details>
  );
}

function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia?.(query).matches ?? true);
  useEffect(() => {
    const list = window.matchMedia?.(query);
    if (!list) return;
    const onChange = () => setMatches(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}
