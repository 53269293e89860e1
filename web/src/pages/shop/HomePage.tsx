import { useEffect } from 'react';
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import { catalogApi, unwrap } from '../../api/client';
import { ProductGrid } from '../../components/ProductCard';
import { QueryView } from '../../components/ui';
import { useCategories, type ProductPage } from '../../shop/catalog';

export function HomePage() {
  useEffect(() => {
    document.title = 'Bazaar: everyday things, well made';
  }, []);
  const categories = useCategories();
  const featured = useQuery({
    queryKey: ['products', 'featured'],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/products', { params: { query: { sort: 'rating', inStock: true, limit: 8 } }, signal })),
  });
  const newest = useQuery({
    queryKey: ['products', 'newest'],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/products', { params: { query: { sort: 'newest', inStock: true, limit: 8 } }, signal })),
  });

  return (
    <>
      <section className="hero">
        <h1>Welcome to Bazaar</h1>
        <p>Everyday things, well made. Free standard shipping above the threshold shown at checkout.</p>
      </section>

      <section aria-labelledby="categories-heading">
        <h2 id="categories-heading">Shop by category</h2>
        <QueryView query={categories}>
          {(list) => (
            <ul className="category-tiles">
              {list.map((category) => (
                <li key={category.id}>
                  <Link to={`/c/${category.slug}`}>{category.name}</Link>
                </li>
              ))}
            </ul>
          )}
        </QueryView>
      </section>

      <Shelf title="Top rated" query={featured} id="featured-heading" />
      <Shelf title="New in" query={newest} id="newest-heading" />
    </>
  );
}

function Shelf({ title, query, id }: { title: string; query: UseQueryResult<ProductPage>; id: string }) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <QueryView query={query} isEmpty={(page) => page.items.length === 0}>
        {(page) => <ProductGrid products={page.items} />}
      </QueryView>
    </section>
  );
}
