import { useQuery } from '@tanstack/react-query';
import { paymentsApi, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/problem';
import { DataTable, Empty, ErrorState, Loading, Money, StatusBadge } from '../../../components/ui';
import { formatDateTime, humanize } from '../../../format';
import { Facts } from '../common';
import type { Payment } from '../types';
import { adminKeys } from '../queryKeys';

function Ledger({ payment }: { payment: Payment }) {
  const money = (minor: number) => <Money minor={minor} currency={payment.currency} />;
  return (
    <>
      <Facts
        items={[
          ['Status', <StatusBadge key="status" status={payment.status} />],
          ['Card', `${payment.card.brand} •••• ${payment.card.last4} (${payment.card.country})`],
          ['Authorized', money(payment.amount)],
          ['Captured', money(payment.capturedAmount)],
          ['Refunded', money(payment.refundedAmount)],
          ...(payment.declineCode ? [['Decline code', payment.declineCode] as [string, string]] : []),
        ]}
      />
      {payment.transactions.length === 0 ? (
        <p className="muted">No transactions yet.</p>
      ) : (
        <DataTable caption="Payment transactions" columns={['When', 'Kind', 'Status', { label: 'Amount', num: true }]}>
          {payment.transactions.map((t) => (
            <tr key={t.id}>
              <td>{formatDateTime(t.createdAt)}</td>
              <td>{humanize(t.kind)}</td>
              <td>{humanize(t.status)}</td>
              <td className="num">{money(t.amount)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

/** The order's payment and its transactions (authorize, capture, refunds) as the payment service records them. */
export function PaymentLedger({ orderId }: { orderId: string }) {
  const payment = useQuery({
    queryKey: adminKeys.payment(orderId),
    queryFn: ({ signal }) => unwrap(paymentsApi.GET('/api/v1/payments', { params: { query: { orderId } }, signal })),
  });
  if (payment.isPending) return <Loading label="Loading the payment…" />;
  // Orders rejected before payment never got one: that is a state, not an error.
  if (payment.error instanceof ApiError && payment.error.status === 404) return <Empty>No payment was made for this order.</Empty>;
  if (payment.isError) return <ErrorState error={payment.error} retry={() => void payment.refetch()} />;
  return <Ledger payment={payment.data} />;
}
