import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { orderingApi, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import { AddressBlock } from '../../components/AddressBlock';
import { OrderLines } from '../../components/OrderLines';
import { ActionButton, ErrorState, FormError, Loading, NotFound, PageTitle, StatusBadge } from '../../components/ui';
import { formatDateTime, humanize } from '../../format';
import { cancellableStatuses, cancellationUnderWay, failureSentence, paidStatuses, placementFailed, type Order } from '../../shop/orders';

const inFlight = new Set(['pending', 'reserved', 'approved', 'authorized']);

export function OrderDetailPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const order = useQuery({
    queryKey: ['order', id],
    queryFn: ({ signal }) => unwrap(orderingApi.GET('/api/v1/orders/{id}', { params: { path: { id } }, signal })),
    // An order still moving through checkout (e.g. a slow card network) settles within seconds: watch it; a
    // cancellation being completed, a little less often.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (!data) return false;
      if (inFlight.has(data.status)) return 2000;
      return cancellationUnderWay(data) ? 5000 : false;
    },
  });
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) {
    if (order.error instanceof ApiError && (order.error.status === 404 || order.error.status === 400)) return <NotFound />;
    return <ErrorState error={order.error} retry={() => void order.refetch()} />;
  }
  return <OrderView order={order.data} placed={params.get('placed') === '1'} />;
}

function OrderView({ order, placed }: { order: Order; placed: boolean }) {
  const queryClient = useQueryClient();
  // An order confirmed while this page watched it took its lines out of the cart: the cart (and its count in the
  // header) and the order list are read again. So is everything after any other change the page sees.
  const seenStatus = useRef(order.status);
  useEffect(() => {
    if (seenStatus.current === order.status) return;
    seenStatus.current = order.status;
    void queryClient.invalidateQueries({ queryKey: ['cart'] });
    void queryClient.invalidateQueries({ queryKey: ['orders'] });
  }, [order.status, queryClient]);
  const cancel = useMutation({
    mutationFn: () => unwrap(orderingApi.POST('/api/v1/orders/{id}/cancel', { params: { path: { id: order.id } } })),
    onSuccess: (updated) => {
      queryClient.setQueryData(['order', order.id], updated);
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
    },
    // Not finished now (503): the cancellation is recorded and completed shortly, and the order shows it. Refused
    // (409: it shipped, or changed meanwhile): the order as it is now shows why. Either way, read it again.
    onError: () => void queryClient.invalidateQueries({ queryKey: ['order', order.id] }),
  });
  const cancelling = cancellationUnderWay(order);
  const failed = placementFailed(order);

  return (
    <>
      {placed && !failed && (
        <div className="notice" role="status">
          <strong>Thank you for your order!</strong>{' '}
          {order.status === 'on_hold'
            ? 'We are checking a few details and will confirm it shortly.'
            : inFlight.has(order.status)
              ? 'We are confirming your payment; this page updates by itself.'
              : 'A confirmation is on its way to your inbox.'}
        </div>
      )}
      <PageTitle actions={<StatusBadge status={order.status} />}>Order {order.number}</PageTitle>
      {failed && (
        <>
          <p className="form-error" role="alert">
            {failureSentence(order)}
          </p>
          {/* The items stay in the cart: the way on is another card, or the cart with what is left. */}
          <p>
            {order.status === 'payment_failed' ? (
              <Link className="button" to="/checkout">
                Try another card
              </Link>
            ) : (
              <Link className="button" to="/cart">
                Review your cart
              </Link>
            )}
          </p>
        </>
      )}
      {order.trackingNumber && (
        <p>
          Shipped with {order.carrier}, tracking number <strong>{order.trackingNumber}</strong>.
        </p>
      )}
      <OrderLines order={order} />
      <h2>Delivery</h2>
      <AddressBlock address={order.shippingAddress} />
      {order.cardLast4 && (
        <p>
          {paidStatuses.has(order.status) ? 'Paid with' : 'Card:'} {order.cardBrand} ending in {order.cardLast4}
        </p>
      )}
      <h2>Timeline</h2>
      <ol className="timeline">
        {order.timeline.map((event, index) => (
          <li key={index}>
            <strong>{humanize(event.type)}</strong> <span className="muted">{formatDateTime(event.at)}</span>
            {event.detail && <div className="muted">{event.detail}</div>}
          </li>
        ))}
      </ol>
      {cancelling && (
        <p className="notice" role="status">
          Your cancellation is being completed. We will e-mail you when it is done.
        </p>
      )}
      {cancellableStatuses.has(order.status) && !cancelling && (
        <section aria-labelledby="cancel-heading">
          <h2 id="cancel-heading">Changed your mind?</h2>
          <FormError error={cancel.error} />
          <ActionButton
            className="button danger"
            pending={cancel.isPending}
            confirm="Cancel this order? The payment will be released."
            onAction={() => cancel.mutate()}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel order'}
          </ActionButton>
        </section>
      )}
      <p>
        <Link to="/orders">All your orders</Link>
      </p>
    </>
  );
}
