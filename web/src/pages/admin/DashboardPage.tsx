import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../api/client';
import { DataTable, Money, PageTitle, QueryView, StatusBadge } from '../../components/ui';
import { adminKeys } from './queryKeys';
import { fetchOrderSummary, localMidnight } from './summary';
import type { OrderSummaryReport } from './types';

const lowStockShown = 10;

function TodayCards({ summary }: { summary: OrderSummaryReport }) {
  const onHold = summary.byStatus.find((s) => s.status === 'on_hold')?.count ?? 0;
  return (
    <div className="cards">
      <div className="card">
        <h2 className="card-title">Orders today</h2>
        <p className="figure">{summary.orders}</p>
      </div>
      <div className="card">
        <h2 className="card-title">Revenue today</h2>
        {summary.revenue.length === 0 ? (
          <p className="figure">—</p>
        ) : (
          <ul className="plain-list figure">
            {summary.revenue.map((r) => (
              <li key={r.currency}>
                <Money minor={r.amount} currency={r.currency} />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="card">
        <h2 className="card-title">Risk review queue</h2>
        <p className="figure">{onHold}</p>
        <Link to="/admin/orders?status=on_hold">Orders on hold</Link>
      </div>
    </div>
  );
}

function OrdersByStatus({ summary }: { summary: OrderSummaryReport }) {
  if (summary.byStatus.length === 0) return <p className="muted">No orders yet.</p>;
  return (
    <DataTable columns={['Status', { label: 'Orders', num: true }]}>
      {summary.byStatus.map((s) => (
        <tr key={s.status}>
          <td>
            <Link to={`/admin/orders?status=${s.status}`}>
              <StatusBadge status={s.status} />
            </Link>
          </td>
          <td className="num">{s.count}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function LowStock() {
  const query = useQuery({
    queryKey: [...adminKeys.stock, { lowStock: true, limit: lowStockShown }],
    queryFn: ({ signal }) =>
      unwrap(catalogApi.GET('/api/v1/admin/inventory', { params: { query: { lowStock: true, limit: lowStockShown } }, signal })),
  });
  return (
    <QueryView query={query} isEmpty={(page) => page.items.length === 0} empty="No SKU is low on stock.">
      {(page) => (
        <>
          <DataTable columns={['SKU', 'Product', { label: 'Available', num: true }, { label: 'Threshold', num: true }]}>
            {page.items.map((row) => (
              <tr key={row.sku}>
                <td>{row.sku}</td>
                <td>
                  <Link to={`/admin/products/${row.productId}`}>{row.productName}</Link>
                </td>
                <td className="num">{row.available}</td>
                <td className="num">{row.lowStockThreshold}</td>
              </tr>
            ))}
          </DataTable>
          <p>
            <Link to="/admin/inventory?lowStock=on">{page.nextCursor ? 'See all low-stock SKUs' : 'Manage stock'}</Link>
          </p>
        </>
      )}
    </QueryView>
  );
}

export function DashboardPage() {
  // Fixed for the life of the page, so the query key (and the figures) do not drift while it is open.
  const [since] = useState(localMidnight);
  const summary = useQuery({
    queryKey: [...adminKeys.summary, since.toISOString()],
    queryFn: ({ signal }) => fetchOrderSummary(since, signal),
  });
  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      <QueryView query={summary} loadingLabel="Loading today's figures…">
        {(report) => (
          <>
            <TodayCards summary={report} />
            <h2>Orders by status</h2>
            <OrdersByStatus summary={report} />
          </>
        )}
      </QueryView>
      <h2>Low stock</h2>
      <LowStock />
    </>
  );
}
