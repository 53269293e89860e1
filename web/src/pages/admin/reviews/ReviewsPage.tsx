import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { ActionButton, DataTable, FormError, PageTitle, QueryView, SelectField } from '../../../components/ui';
import { formatDate } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { reloadWhenUnsure, useCanEdit, useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { Review } from '../types';

const filterNames = ['hidden'] as const;

function VisibilityButton({ review }: { review: Review }) {
  const queryClient = useQueryClient();
  const changed = () => queryClient.invalidateQueries({ queryKey: adminKeys.reviews });
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(catalogApi.POST(review.hidden ? '/api/v1/admin/reviews/{id}/restore' : '/api/v1/admin/reviews/{id}/hide', { params: { path: { id: review.id } } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  const verb = review.hidden ? 'Restore' : 'Hide';
  return (
    <>
      <ActionButton
        className={review.hidden ? 'button secondary small' : 'button danger small'}
        pending={toggle.isPending}
        onAction={() => toggle.mutate()}
        aria-label={`${verb} review by ${review.authorName}`}
      >
        {verb}
      </ActionButton>
      <FormError error={toggle.error} />
    </>
  );
}

function ReviewTable({ reviews }: { reviews: Review[] }) {
  const canEdit = useCanEdit();
  return (
    <DataTable columns={['Review', 'Rating', 'By', 'Written', 'Shown', canEdit && 'Action']}>
      {reviews.map((review) => (
        <tr key={review.id}>
          <td>
            <strong>{review.title}</strong>
            <p className="admin-review-body">{review.body}</p>
            <Link to={`/admin/products/${review.productId}`}>Product</Link>
          </td>
          <td>
            <span aria-label={`${review.rating} out of 5`}>{review.rating}/5</span>
          </td>
          <td>
            {review.authorName}
            {review.verifiedPurchase && <div className="muted">Verified purchase</div>}
          </td>
          <td>{formatDate(review.createdAt)}</td>
          <td>
            <span className={`badge ${review.hidden ? 'badge-muted' : 'badge-ok'}`}>{review.hidden ? 'Hidden' : 'Visible'}</span>
          </td>
          {canEdit && (
            <td>
              <VisibilityButton review={review} />
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

export function ReviewsPage() {
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const hidden = filters.values.hidden;
  const query = { hidden: hidden ? hidden === 'true' : undefined, cursor: pager.cursor };
  const reviews = useQuery({
    queryKey: [...adminKeys.reviews, query],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/reviews', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageTitle>Reviews</PageTitle>
      <FilterBar label="Filter reviews" onApply={filters.apply} key={filters.key}>
        <SelectField label="Shown" name="hidden" defaultValue={hidden}>
          <option value="">All reviews</option>
          <option value="false">Visible</option>
          <option value="true">Hidden</option>
        </SelectField>
      </FilterBar>
      <QueryView query={reviews} isEmpty={(page) => page.items.length === 0} empty="No reviews match.">
        {(page) => (
          <>
            <ReviewTable reviews={page.items} />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Reviews" />
          </>
        )}
      </QueryView>
    </>
  );
}
