import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { orderingApi, unwrap } from '../../../api/client';
import { OrderSummaryTable } from '../../../components/OrderSummaryTable';
import { Field, PageTitle, QueryView, SelectField } from '../../../components/ui';
import { humanize } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import { orderStatuses } from './orders';

const filterNames = ['status', 'email', 'from', 'to'] as const;

/** A yyyy-mm-dd from a date input as the start of that day in the browser's time zone, or a day later. */
function startOfDay(date: string, plusDays = 0): string | undefined {
  if (!date) return undefined;
  const [year, month, day] = date.split('-').map(Number);
  return new Date(year!, month! - 1, day! + plusDays).toISOString();
}

export function OrdersPage() {
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const { status, email, from, to } = filters.values;
  const query = {
    status: status || undefined,
    email: email || undefined,
    from: startOfDay(from),
    // The "to" day is included: the service's bound is exclusive, so ask up to the next midnight.
    to: startOfDay(to, 1),
    cursor: pager.cursor,
  };
  const orders = useQuery({
    queryKey: [...adminKeys.orders, query],
    queryFn: ({ signal }) => unwrap(orderingApi.GET('/api/v1/admin/orders', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageTitle>Orders</PageTitle>
      <FilterBar label="Filter orders" onApply={filters.apply} key={filters.key}>
        <SelectField label="Status" name="status" defaultValue={status}>
          <option value="">Any status</option>
          {orderStatuses.map((s) => (
            <option key={s} value={s}>
              {humanize(s)}
            </option>
          ))}
        </SelectField>
        <Field label="From" name="from" type="date" defaultValue={from} />
        <Field label="To" name="to" type="date" defaultValue={to} />
        <Field label="Customer e-mail" name="email" type="email" defaultValue={email} hint="The exact address." />
      </FilterBar>
      <QueryView query={orders} isEmpty={(page) => page.items.length === 0} empty="No orders match these filters.">
        {(page) => (
          <>
            <OrderSummaryTable orders={page.items} href={(order) => `/admin/orders/${order.id}`} caption="Orders matching the filters" />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Orders" />
          </>
        )}
      </QueryView>
    </>
  );
}
