import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/problem';
import { FormError, PageTitle, StatusBadge } from '../../../components/ui';
import { formatDateTime } from '../../../format';
import { ActionButton, Facts, QueryView } from '../common';
import { useCanEdit } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { ProductDetail } from '../types';
import { ImagesSection } from './ImagesSection';
import { ProductForm, productFormValues, type ProductFormValues } from './ProductForm';
import { useAdminProduct, useProductChanged } from './products';
import { VariantsSection } from './VariantsSection';

function ProductEditor({ product }: { product: ProductDetail }) {
  const canEdit = useCanEdit();
  const queryClient = useQueryClient();
  const changed = useProductChanged(product.id);
  const save = useMutation({
    mutationFn: ({ currency: _currency, brand, description, ...values }: ProductFormValues) =>
      unwrap(
        catalogApi.PUT('/api/v1/admin/products/{id}', {
          params: { path: { id: product.id } },
          // The version this editor loaded: if someone saved meanwhile, the service answers 409 instead of overwriting.
          body: { ...values, brand: brand || null, description: description || null, version: product.version },
        }),
      ),
    onSuccess: changed,
  });
  const archive = useMutation({
    mutationFn: () => unwrap(catalogApi.DELETE('/api/v1/admin/products/{id}', { params: { path: { id: product.id } } })),
    onSuccess: () => changed(),
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  return (
    <>
      <PageTitle
        actions={
          <>
            {product.status === 'active' && (
              <Link className="button secondary" to={`/p/${product.slug}`}>
                View in shop
              </Link>
            )}
            {canEdit && product.status !== 'archived' && (
              <ActionButton
                className="button danger"
                pending={archive.isPending}
                confirm={`Archive "${product.name}"? It leaves the shop; orders and reviews keep pointing at it.`}
                onAction={() => archive.mutate()}
              >
                Archive product
              </ActionButton>
            )}
          </>
        }
      >
        {product.name}
      </PageTitle>
      <Facts
        items={[
          ['Status', <StatusBadge key="status" status={product.status} />],
          ['Version', product.version],
          ['Updated', formatDateTime(product.updatedAt)],
        ]}
      />
      <FormError error={archive.error} />
      <h2>Details</h2>
      {save.isSuccess && (
        <p className="notice" role="status">
          Saved: version {save.data.version}.
        </p>
      )}
      {/* Keyed by version: a save or a reload starts the form over from what the service holds. */}
      <ProductForm
        key={product.version}
        initial={productFormValues(product)}
        mode="edit"
        onSubmit={save.mutate}
        pending={save.isPending}
        error={save.error}
        readOnly={!canEdit}
        errorAction={
          conflict && (
            <button type="button" className="button secondary" onClick={() => {
                save.reset();
                void queryClient.invalidateQueries({ queryKey: adminKeys.product(product.id) });
              }}
            >
              Load the latest version
            </button>
          )
        }
      />
      <VariantsSection product={product} />
      <ImagesSection product={product} />
    </>
  );
}

export function ProductEditPage() {
  const { id = '' } = useParams();
  const product = useAdminProduct(id);
  return <QueryView query={product}>{(data) => <ProductEditor product={data} />}</QueryView>;
}
