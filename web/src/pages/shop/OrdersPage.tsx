import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { orderingApi, unwrap } from '../../api/client';
import { OrderSummaryTable } from '../../components/OrderSummaryTable';
import { PageTitle, QueryView } from '../../components/ui';

export function OrdersPage() {
  const orders = useInfiniteQuery({
    queryKey: ['orders', 'mine'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) => unwrap(orderingApi.GET('/api/v1/orders', { params: { query: { cursor: pageParam, limit: 20 } }, signal })),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

  return (
    <>
      <PageTitle>Your orders</PageTitle>
      <QueryView
        query={orders}
        loadingLabel="Loading your orders…"
        isEmpty={(data) => data.pages.every((page) => page.items.length === 0)}
        empty="You have not ordered anything yet."
        emptyAction={<Link to="/">Start shopping</Link>}
      >
        {(data) => (
          <OrderSummaryTable
            orders={data.pages.flatMap((page) => page.items)}
            href={(order) => `/orders/${order.id}`}
            caption="Your orders, newest first"
          />
        )}
      </QueryView>
      {orders.hasNextPage && (
        <button type="button" className="button secondary" onClick={() => void orders.fetchNextPage()} disabled={orders.isFetchingNextPage}>
          {orders.isFetchingNextPage ? 'Loading…' : 'Older orders'}
        </button>
      )}
    </>
  );
}
