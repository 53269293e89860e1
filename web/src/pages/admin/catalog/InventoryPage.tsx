import { useEffect, useRef, useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { DataTable, Field, PageTitle, QueryView } from '../../../components/ui';
import { formatDateTime } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { useCanEdit, useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { StockRow } from '../types';
import { AdjustmentHistory } from './AdjustmentHistory';
import { StockAdjustForm } from './StockAdjustForm';
import { ThresholdForm } from './ThresholdForm';

const filterNames = ['q', 'lowStock'] as const;

function StockTable({ rows, selected, onSelect }: { rows: StockRow[]; selected: string | null; onSelect: (sku: string) => void }) {
  const canEdit = useCanEdit();
  return (
    <DataTable columns={['SKU', 'Product', { label: 'On hand', num: true }, { label: 'Reserved', num: true }, { label: 'Available', num: true }, { label: 'Threshold', num: true }, 'Updated', { label: 'Actions', hidden: true }]}>
      {rows.map((row) => (
        <tr key={row.sku} aria-current={row.sku === selected || undefined}>
          <td>{row.sku}</td>
          <td>
            <Link to={`/admin/products/${row.productId}`}>{row.productName}</Link>
          </td>
          <td className="num">{row.onHand}</td>
          <td className="num">{row.reserved}</td>
          <td className={`num ${row.available <= row.lowStockThreshold ? 'stock-low_stock' : ''}`}>{row.available}</td>
          <td className="num">{row.lowStockThreshold}</td>
          <td>{formatDateTime(row.updatedAt)}</td>
          <td>
            <button type="button" className="button secondary small" onClick={() => onSelect(row.sku)} aria-label={`${canEdit ? 'Manage' : 'History of'} ${row.sku}`}>
              {canEdit ? 'Manage' : 'History'}
            </button>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function StockPanel({ row, onClose }: { row: StockRow; onClose: () => void }) {
  const canEdit = useCanEdit();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [row.sku]);
  return (
    <section className="admin-panel" aria-labelledby="stock-panel-heading">
      <div className="page-title">
        <h2 id="stock-panel-heading" ref={heading} tabIndex={-1}>
          {row.sku}: {row.productName}
        </h2>
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      </div>
      <p>
        On hand {row.onHand}, reserved {row.reserved}, available {row.available}.
      </p>
      {canEdit && (
        <div className="form-row">
          {/* keyed by SKU: another row's panel starts with empty forms */}
          <StockAdjustForm key={`adjust-${row.sku}`} sku={row.sku} />
          <ThresholdForm key={`threshold-${row.sku}-${row.lowStockThreshold}`} sku={row.sku} threshold={row.lowStockThreshold} />
        </div>
      )}
      <h3>History</h3>
      <AdjustmentHistory sku={row.sku} />
    </section>
  );
}

export function InventoryPage() {
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const [selected, setSelected] = useState<string | null>(null);
  const query = { q: filters.values.q || undefined, lowStock: filters.values.lowStock ? true : undefined, cursor: pager.cursor };
  const stock = useQuery({
    queryKey: [...adminKeys.stock, query],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/inventory', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  const selectedRow = stock.data?.items.find((row) => row.sku === selected);

  return (
    <>
      <PageTitle>Inventory</PageTitle>
      <FilterBar label="Filter stock" onApply={filters.apply} key={filters.key}>
        <Field label="SKU or product" name="q" type="search" defaultValue={filters.values.q ?? ''} hint="The start of a SKU, or part of a product name." />
        <div className="field checkbox-field">
          <label>
            <input type="checkbox" name="lowStock" defaultChecked={Boolean(filters.values.lowStock)} /> Low stock only
          </label>
        </div>
      </FilterBar>
      <QueryView
        query={stock}
        isEmpty={(page) => page.items.length === 0}
        empty={
          filters.values.q
            ? 'No SKU or product matches.'
            : filters.values.lowStock
              ? 'No SKU is low on stock.'
              : 'There are no stock records yet.'
        }
      >
        {(page) => (
          <>
            <StockTable rows={page.items} selected={selected} onSelect={setSelected} />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Stock" />
          </>
        )}
      </QueryView>
      {selectedRow && <StockPanel row={selectedRow} onClose={() => setSelected(null)} />}
    </>
  );
}
