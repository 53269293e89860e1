// One row per order (number, date, status, items, total), as the shopper's order list and the back office show it.
import { Link } from 'react-router';
import type { components } from '../api/schema/ordering';
import { formatDateTime } from '../format';
import { DataTable, Money, StatusBadge } from './ui';

type OrderSummary = components['schemas']['OrderSummary'];

interface OrderSummaryTableProps {
  orders: OrderSummary[];
  /** where an order's number links to */
  href: (order: OrderSummary) => string;
  /** the table's name for screen readers (shown to them only) */
  caption: string;
}

export function OrderSummaryTable({ orders, href, caption }: OrderSummaryTableProps) {
  return (
    <DataTable caption={caption} columns={['Order', 'Placed', 'Status', { label: 'Items', num: true }, { label: 'Total', num: true }]}>
      {orders.map((order) => (
        <tr key={order.id}>
          <td>
            <Link to={href(order)}>Order {order.number}</Link>
          </td>
          <td>{formatDateTime(order.createdAt)}</td>
          <td>
            <StatusBadge status={order.status} />
          </td>
          <td className="num">{order.itemCount}</td>
          <td className="num">
            <Money minor={order.total} currency={order.currency} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
