import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { orderingApi, unwrap } from '../../../api/client';
import { reloadWhenUnsure } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { Order } from '../types';

/** Every status an order can have (src/Ordering/Orders/OrderStatus.cs), in the order an order moves through them. */
export const orderStatuses = [
  'pending',
  'reserved',
  'approved',
  'on_hold',
  'authorized',
  'confirmed',
  'rejected',
  'payment_failed',
  'cancelled',
  'shipped',
  'delivered',
  'refunded',
  'partially_refunded',
] as const;

/** Statuses an order can still be refunded from. */
export const refundableStatuses: ReadonlySet<string> = new Set(['shipped', 'delivered', 'partially_refunded']);

/**
 * Whether OrderActions has anything to offer for an order in this status (the state machine in OrderStatus.cs): a
 * cancelled, rejected or fully refunded order has none, and the page then shows no Actions section at all.
 */
export function hasOrderActions(status: string): boolean {
  return status === 'on_hold' || status === 'confirmed' || refundableStatuses.has(status);
}

export function useAdminOrder(id: string) {
  return useQuery({
    queryKey: adminKeys.order(id),
    queryFn: ({ signal }) => unwrap(orderingApi.GET('/api/v1/admin/orders/{id}', { params: { path: { id } }, signal })),
  });
}

/**
 * One of the order actions (approve, ship, refund…). They all answer with the order as it now is; its payment, the
 * lists and the dashboard figures may have changed with it. What makes a back-office form reload (reloadWhenUnsure: the
 * order changed meanwhile, or the action may have been carried out), and an action left to finish later (503), reload
 * the order, its payment, the lists and the figures: the next attempt then starts from what is true now (a refund settled by the sweeper, an order another
 * person approved, a held order rejected because its stock hold ran out before the approval) instead of repeating the
 * same refusal.
 */
export function useOrderAction<Variables = void>(orderId: string, run: (variables: Variables) => Promise<Order>) {
  const queryClient = useQueryClient();
  // What an action may change besides the order itself.
  const reloadAround = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.payment(orderId) }),
      queryClient.invalidateQueries({ queryKey: adminKeys.orders }),
      queryClient.invalidateQueries({ queryKey: adminKeys.summary }),
    ]);
  return useMutation({
    mutationFn: run,
    // A 503 may come after a step was done (the order moved on before a service was unavailable).
    onError: reloadWhenUnsure(() => Promise.all([queryClient.invalidateQueries({ queryKey: adminKeys.order(orderId) }), reloadAround()]), [503]),
    onSuccess: async (order) => {
      queryClient.setQueryData(adminKeys.order(orderId), order);
      await reloadAround();
    },
  });
}

export type OrderActionPath =
  | '/api/v1/admin/orders/{id}/approve'
  | '/api/v1/admin/orders/{id}/reject'
  | '/api/v1/admin/orders/{id}/deliver'
  | '/api/v1/admin/orders/{id}/cancel';

/** The actions that take no body. */
export function postOrderAction(path: OrderActionPath, id: string): Promise<Order> {
  return unwrap(orderingApi.POST(path, { params: { path: { id } } }));
}
