import { useInfiniteQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { orderingApi, unwrap } from '../../api/client';
import { Empty, ErrorState, Loading, Money, PageTitle, StatusBadge } from '../../components/ui';
import { formatDateTime } from '../../format';

export function OrdersPage() {
  const orders = useInfiniteQuery({
    queryKey: ['orders', 'mine'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => unwrap(orderingApi.GET('/api/v1/orders', { params: { query: { cursor: pageParam, limit: 20 } } })),
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const items = orders.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageTitle>Your orders</PageTitle>
      {orders.isPending ? (
        <Loading label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : items.length === 0 ? (
        <Empty action={<Link to="/">Start shopping</Link>}>You have not ordered anything yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Your orders, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Items
                </th>
                <th scope="col" className="num">
                  Total
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((order) => (
                <tr key={order.id}>
                  <td>
                    <Link to={`/orders/${order.id}`}>Order {order.number}</Link>
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
            </tbody>
          </table>
        </div>
      )}
      {orders.hasNextPage && (
        <button type="button" className="button secondary" onClick={() => void orders.fetchNextPage()} disabled={orders.isFetchingNextPage}>
          {orders.isFetchingNextPage ? 'Loading…' : 'Older orders'}
        </button>
      )}
    </>
  );
}
