import { ActionButton, FormError } from '../../../components/ui';
import { cancellationUnderWay } from '../../../shop/orders';
import type { Order } from '../types';
import { hasOrderActions, postOrderAction, refundableStatuses, useOrderAction, type OrderActionPath } from './orders';
import { RefundForm } from './RefundForm';
import { ShipForm } from './ShipForm';

interface SimpleActionProps {
  order: Order;
  path: OrderActionPath;
  label: string;
  pendingLabel: string;
  /** destructive actions ask first */
  confirm?: string;
  danger?: boolean;
}

function SimpleAction({ order, path, label, pendingLabel, confirm, danger }: SimpleActionProps) {
  const action = useOrderAction(order.id, () => postOrderAction(path, order.id));
  return (
    <div className="admin-action">
      <ActionButton
        className={danger ? 'button danger' : 'button'}
        pending={action.isPending}
        confirm={confirm}
        onAction={() => action.mutate()}
      >
        {action.isPending ? pendingLabel : label}
      </ActionButton>
      <FormError error={action.error} />
    </div>
  );
}

/**
 * What can be done to the order in its current status (the state machine in OrderStatus.cs); null when nothing, which
 * is exactly when hasOrderActions(order.status) is false.
 */
export function OrderActions({ order }: { order: Order }) {
  const n = order.number;
  const cancel = (
    <SimpleAction
      order={order}
      path="/api/v1/admin/orders/{id}/cancel"
      label="Cancel order"
      pendingLabel="Cancelling…"
      confirm={`Cancel order ${n}? The card authorization is voided and the stock goes back.`}
      danger
    />
  );
  if (!hasOrderActions(order.status)) return null;
  if (cancellationUnderWay(order))
    return (
      <p className="notice" role="status">
        A cancellation of this order is under way and is completed automatically; it cannot be approved, rejected or
        shipped meanwhile.
      </p>
    );
  switch (order.status) {
    case 'on_hold':
      return (
        <div className="button-row admin-actions">
          <SimpleAction order={order} path="/api/v1/admin/orders/{id}/approve" label="Approve order" pendingLabel="Approving…" />
          <SimpleAction
            order={order}
            path="/api/v1/admin/orders/{id}/reject"
            label="Reject order"
            pendingLabel="Rejecting…"
            confirm={`Reject order ${n}? The customer's order ends here and the stock goes back.`}
            danger
          />
          {cancel}
        </div>
      );
    case 'confirmed':
      return (
        <>
          <ShipForm order={order} />
          <div className="button-row admin-actions">{cancel}</div>
        </>
      );
    default:
      if (!refundableStatuses.has(order.status)) return null;
      return (
        <>
          {!order.deliveredAt && order.status !== 'delivered' && (
            <div className="button-row admin-actions">
              <SimpleAction order={order} path="/api/v1/admin/orders/{id}/deliver" label="Mark as delivered" pendingLabel="Saving…" />
            </div>
          )}
          <RefundForm order={order} />
        </>
      );
  }
}
