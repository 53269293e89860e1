import { useQuery } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { formatDateTime } from '../../../format';
import { DataTable, QueryView } from '../../../components/ui';
import { adminKeys } from '../queryKeys';

export function AdjustmentHistory({ sku }: { sku: string }) {
  const history = useQuery({
    queryKey: adminKeys.adjustments(sku),
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/inventory/{sku}/adjustments', { params: { path: { sku } }, signal })),
  });
  return (
    <QueryView query={history} isEmpty={(rows) => rows.length === 0} empty="No adjustments yet.">
      {(rows) => (
        <DataTable caption={`Stock adjustments of ${sku}, newest first`} columns={['When', { label: 'Change', num: true }, { label: 'On hand after', num: true }, 'Reason', 'By']}>
          {rows.map((row) => (
            <tr key={row.id}>
              <td>{formatDateTime(row.createdAt)}</td>
              <td className="num">
                {row.delta > 0 ? '+' : ''}
                {row.delta}
              </td>
              <td className="num">{row.onHandAfter}</td>
              <td>{row.reason}</td>
              <td>{row.actor}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </QueryView>
  );
}
