import { Link, useParams } from 'react-router';
import { AddressBlock } from '../../../components/AddressBlock';
import { OrderLines } from '../../../components/OrderLines';
import { PageTitle, QueryView, StatusBadge } from '../../../components/ui';
import { formatDateTime, humanize } from '../../../format';
import { Facts } from '../common';
import { useCanEdit } from '../hooks';
import type { Order } from '../types';
import { OrderActions } from './OrderActions';
import { OrderNotes } from './OrderNotes';
import { hasOrderActions, useAdminOrder } from './orders';
import { PaymentLedger } from './PaymentLedger';

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
      <OrderLines order={order} showSku item={(line) => <Link to={`/admin/products/${line.productId}`}>{line.name}</Link>} />
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
