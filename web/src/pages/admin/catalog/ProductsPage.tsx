import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { DataTable, Field, PageTitle, PriceRange, QueryView, SelectField, StatusBadge } from '../../../components/ui';
import { formatDateTime, humanize } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { useCanEdit, useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { AdminProductRow } from '../types';
import { productStatuses } from './products';

const filterNames = ['q', 'status'] as const;

function ProductTable({ products }: { products: AdminProductRow[] }) {
  return (
    <DataTable columns={['Product', 'Brand', 'Status', { label: 'Price', num: true }, { label: 'Variants', num: true }, 'Updated']}>
      {products.map((product) => (
        <tr key={product.id}>
          <td>
            <Link to={`/admin/products/${product.id}`}>{product.name}</Link>
          </td>
          <td>{product.brand}</td>
          <td>
            <StatusBadge status={product.status} />
          </td>
          <td className="num">
            {product.variantCount > 0 ? <PriceRange min={product.minPrice} max={product.maxPrice} currency={product.currency} /> : '—'}
          </td>
          <td className="num">{product.variantCount}</td>
          <td>{formatDateTime(product.updatedAt)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function ProductsPage() {
  const canEdit = useCanEdit();
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const query = {
    q: filters.values.q || undefined,
    status: filters.values.status || undefined,
    cursor: pager.cursor,
  };
  const products = useQuery({
    queryKey: [...adminKeys.products, query],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/products', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageTitle
        actions={
          canEdit && (
            <Link className="button" to="/admin/products/new">
              New product
            </Link>
          )
        }
      >
        Products
      </PageTitle>
      <FilterBar label="Filter products" onApply={filters.apply} key={filters.key}>
        <Field label="Search" name="q" type="search" defaultValue={filters.values.q} maxLength={200} />
        <SelectField label="Status" name="status" defaultValue={filters.values.status}>
          <option value="">Any status</option>
          {productStatuses.map((status) => (
            <option key={status} value={status}>
              {humanize(status)}
            </option>
          ))}
        </SelectField>
      </FilterBar>
      <QueryView query={products} isEmpty={(page) => page.items.length === 0} empty="No products match these filters.">
        {(page) => (
          <>
            <ProductTable products={page.items} />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Products" />
          </>
        )}
      </QueryView>
    </>
  );
}
