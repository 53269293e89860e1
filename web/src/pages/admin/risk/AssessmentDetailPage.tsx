import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { riskApi, unwrap } from '../../../api/client';
import { DataTable, Money, PageTitle, QueryView, StatusBadge } from '../../../components/ui';
import { formatDateTime, humanize } from '../../../format';
import { Facts } from '../common';
import { adminKeys } from '../queryKeys';
import type { Assessment, RiskReason } from '../types';

function Reasons({ reasons }: { reasons: RiskReason[] }) {
  if (reasons.length === 0) return <p className="muted">No rule triggered.</p>;
  return (
    <DataTable columns={['Rule', 'Kind', 'What it found', 'Action', { label: 'Score', num: true }]}>
      {reasons.map((reason, index) => (
        <tr key={`${reason.code}-${index}`}>
          <td>{reason.rule}</td>
          <td>{humanize(reason.kind)}</td>
          <td>{reason.message}</td>
          <td>{humanize(reason.action)}</td>
          <td className="num">{reason.score}</td>
        </tr>
      ))}
    </DataTable>
  );
}

function AssessmentDetail({ assessment: a }: { assessment: Assessment }) {
  return (
    <>
      <PageTitle>Risk assessment</PageTitle>
      <Facts
        items={[
          ['Decision', <StatusBadge key="decision" status={a.decision} />],
          ['Score', a.score],
          ['Amount', <Money key="amount" minor={a.amount} currency={a.currency} />],
          ['Order', <Link key="order" to={`/admin/orders/${a.orderId}`}>Open the order</Link>],
          ['Customer', a.customerId],
          ['Assessed', formatDateTime(a.createdAt)],
        ]}
      />
      <h2>Reasons</h2>
      <Reasons reasons={a.reasons} />
      <h2>Review</h2>
      {a.reviewOutcome ? (
        <Facts
          items={[
            ['Outcome', humanize(a.reviewOutcome)],
            ['By', a.reviewedBy ?? '—'],
            ['When', a.reviewedAt ? formatDateTime(a.reviewedAt) : '—'],
            // Reviews recorded before decisions moved to the order page may carry a note; newer ones have none.
            ...(a.reviewNote ? [['Note', a.reviewNote] as [string, string]] : []),
          ]}
        />
      ) : (
        <p className="muted">{a.decision === 'review' ? 'Not reviewed yet: approve or reject the order on its page.' : 'No review needed.'}</p>
      )}
      <details className="admin-panel">
        <summary>What the risk service was given</summary>
        <pre className="admin-json">{JSON.stringify(a.input, null, 2)}</pre>
      </details>
    </>
  );
}

export function AssessmentDetailPage() {
  const { id = '' } = useParams();
  const assessment = useQuery({
    queryKey: adminKeys.assessment(id),
    queryFn: ({ signal }) => unwrap(riskApi.GET('/api/v1/admin/risk/assessments/{id}', { params: { path: { id } }, signal })),
  });
  return <QueryView query={assessment}>{(data) => <AssessmentDetail assessment={data} />}</QueryView>;
}
