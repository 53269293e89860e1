import { Link, useParams } from 'react-router';
import { AddressBlock } from '../../../components/AddressBlock';
import { Money, PageTitle, QueryView, StatusBadge } from '../../../components/ui';
import { formatDateTime, formatOptions, humanize } from '../../../format';
import { Facts } from '../common';
import { useCanEdit } from '../hooks';
import type { Order } from '../types';
import { OrderActions } from './OrderActions';
import { OrderNotes } from './OrderNotes';
import { hasOrderActions, useAdminOrder } from './orders';
import { PaymentLedger } from './PaymentLedger';

function Lines({ order }: { order: Order }) {
  const money = (minor: number) => <Money minor={minor} currency={order.currency} />;
  return (
    <>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">SKU</th>
              <th scope="col" className="num">
                Unit price
              </th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((line) => (
              <tr key={line.sku}>
                <td>
                  <Link to={`/admin/products/${line.productId}`}>{line.name}</Link>
                  {Object.keys(line.options).length > 0 && <div className="muted">{formatOptions(line.options)}</div>}
                </td>
                <td>{line.sku}</td>
                <td className="num">{money(line.unitPrice)}</td>
                <td className="num">{line.quantity}</td>
                <td className="num">{money(line.lineTotal)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="totals">
        <dl>
          <dt>Subtotal</dt>
          <dd>{money(order.subtotal)}</dd>
          <dt>Shipping</dt>
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

function Shipping({ order }: { order: Order }) {
  return (
    <div className="form-row">
      <AddressBlock address={order.shippingAddress} />
      <Facts
        items={[
          ['Method', humanize(order.shippingMethod)],
          ['Carrier', order.carrier ?? '—'],
          ['Tracking number', order.trackingNumber ?? '—'],
        ]}
      />
    </div>
  );
}

function Timeline({ order }: { order: Order }) {
  return (
    <ol className="timeline">
      {order.timeline.map((event, index) => (
        <li key={`${event.at}-${index}`}>
          <strong>{humanize(event.type)}</strong>
          {event.detail && <> — {event.detail}</>}
          <div className="muted">
            {formatDateTime(event.at)}, {event.actor}
          </div>
        </li>
      ))}
    </ol>
  );
}

function OrderDetail({ order }: { order: Order }) {
  const canEdit = useCanEdit();
  // OrderActions renders nothing for a cancelled or refunded order: decide on the status, not on the element.
  const showActions = canEdit && hasOrderActions(order.status);
  return (
    <>
      <PageTitle>Order {order.number}</PageTitle>
      <Facts
        items={[
          ['Status', <StatusBadge key="status" status={order.status} />],
          ['Placed', formatDateTime(order.createdAt)],
          ['Updated', formatDateTime(order.updatedAt)],
          ['Card', order.cardBrand ? `${order.cardBrand} •••• ${order.cardLast4 ?? ''}` : '—'],
          ...(order.failureReason ? [['Why it failed', order.failureReason] as [string, string]] : []),
        ]}
      />
      {showActions && (
        <section aria-labelledby="actions-heading">
          <h2 id="actions-heading">Actions</h2>
          <OrderActions order={order} />
        </section>
      )}
      <h2>Items</h2>
      <Lines order={order} />
      <h2>Shipping</h2>
      <Shipping order={order} />
      <h2>Payment</h2>
      <PaymentLedger orderId={order.id} />
      <h2>Timeline</h2>
      <Timeline order={order} />
      <h2>Internal notes</h2>
      <OrderNotes orderId={order.id} />
    </>
  );
}

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const order = useAdminOrder(id);
  return <QueryView query={order}>{(data) => <OrderDetail order={data} />}</QueryView>;
}
