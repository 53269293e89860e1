import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { riskApi, unwrap } from '../../../api/client';
import { DataTable, Money, PageTitle, QueryView, SelectField, StatusBadge } from '../../../components/ui';
import { formatDateTime, humanize } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { Assessment } from '../types';

const decisions = ['approve', 'review', 'decline'] as const;
const filterNames = ['decision'] as const;

function AssessmentTable({ assessments }: { assessments: Assessment[] }) {
  return (
    <DataTable columns={['Assessed', 'Order', { label: 'Amount', num: true }, 'Decision', { label: 'Score', num: true }, 'Reasons']}>
      {assessments.map((a) => (
        <tr key={a.id}>
          <td>
            <Link to={`/admin/risk/assessments/${a.id}`}>{formatDateTime(a.createdAt)}</Link>
          </td>
          <td>
            <Link to={`/admin/orders/${a.orderId}`} aria-label={`Open the order assessed ${formatDateTime(a.createdAt)}`}>
              Open order
            </Link>
          </td>
          <td className="num">
            <Money minor={a.amount} currency={a.currency} />
          </td>
          <td>
            <StatusBadge status={a.decision} />
          </td>
          <td className="num">{a.score}</td>
          <td>{a.reasons.length === 0 ? '—' : a.reasons.map((r) => r.rule).join(', ')}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function AssessmentsPage() {
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const query = { decision: filters.values.decision || undefined, cursor: pager.cursor };
  const assessments = useQuery({
    queryKey: [...adminKeys.assessments, query],
    queryFn: ({ signal }) => unwrap(riskApi.GET('/api/v1/admin/risk/assessments', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageTitle>Risk assessments</PageTitle>
      <FilterBar label="Filter assessments" onApply={filters.apply} key={filters.key}>
        <SelectField label="Decision" name="decision" defaultValue={filters.values.decision}>
          <option value="">Any decision</option>
          {decisions.map((d) => (
            <option key={d} value={d}>
              {humanize(d)}
            </option>
          ))}
        </SelectField>
      </FilterBar>
      <QueryView query={assessments} isEmpty={(page) => page.items.length === 0} empty="No assessments match.">
        {(page) => (
          <>
            <AssessmentTable assessments={page.items} />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Assessments" />
          </>
        )}
      </QueryView>
    </>
  );
}
