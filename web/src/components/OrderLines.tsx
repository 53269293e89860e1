// An order's lines and totals, as the shopper's order page and the back office show them.
import type { ReactNode } from 'react';
import type { components } from '../api/schema/ordering';
import { formatOptions, humanize } from '../format';
import { DataTable, Money } from './ui';

type Order = components['schemas']['OrderDto'];
type Line = Order['lines'][number];

interface OrderLinesProps {
  order: Order;
  /** how an item's name is shown (the back office links it to the product); plain text by default */
  item?: (line: Line) => ReactNode;
  /** show each line's SKU (for staff) */
  showSku?: boolean;
}

export function OrderLines({ order, item = (line) => line.name, showSku = false }: OrderLinesProps) {
  const money = (minor: number) => <Money minor={minor} currency={order.currency} />;
  return (
    <>
      <DataTable caption="Items in this order" columns={['Item', showSku && 'SKU', { label: 'Unit price', num: true }, { label: 'Quantity', num: true }, { label: 'Total', num: true }]}>
        {order.lines.map((line) => (
          <tr key={line.sku}>
            <td>
              {item(line)}
              {Object.keys(line.options).length > 0 && <div className="muted">{formatOptions(line.options)}</div>}
            </td>
            {showSku && <td>{line.sku}</td>}
            <td className="num">{money(line.unitPrice)}</td>
            <td className="num">{line.quantity}</td>
            <td className="num">{money(line.lineTotal)}</td>
          </tr>
        ))}
      </DataTable>
      <div className="totals">
        <dl>
          <dt>Subtotal</dt>
          <dd>{money(order.subtotal)}</dd>
          <dt>Shipping ({humanize(order.shippingMethod)})</dt>
          <dd>{money(order.shipping)}</dd>
          <dt>Tax</dt>
          <dd>{money(order.tax)}</dd>
          <dt className="grand">Total</dt>
          <dd className="grand">{money(order.total)}</dd>
          {order.refunded > 0 && (
            <>
              <dt>Refunded</dt>
              <dd>−{money(order.refunded)}</dd>
            </>
          )}
        </dl>
      </div>
    </>
  );
}
