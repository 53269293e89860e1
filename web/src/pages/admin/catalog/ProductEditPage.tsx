import { useMemo, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/problem';
import { ActionButton, FormError, PageTitle, QueryView, StatusBadge } from '../../../components/ui';
import { formatDateTime } from '../../../format';
import { Facts } from '../common';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { ProductDetail } from '../types';
import { ImagesSection } from './ImagesSection';
import { ProductForm, productFormValues, type ProductFormValues } from './ProductForm';
import { useAdminProduct, useProductChanged } from './products';
import { VariantsSection } from './VariantsSection';

interface SaveDetails {
  values: ProductFormValues;
  /** the version the form was started from */
  version: number;
}

function ProductEditor({ product }: { product: ProductDetail }) {
  const canEdit = useCanEdit();
  const queryClient = useQueryClient();
  const changed = useProductChanged(product.id);
  // The product as the form started from, held while the form has unsaved edits. Variant and image changes (and other
  // people's saves) bump the version and reload the product; they must not wipe what is being typed.
  const [pinned, setPinned] = useState<ProductDetail | null>(null);
  const started = pinned ?? product;
  const outdated = started.version !== product.version;
  const initial = useMemo(() => productFormValues(started), [started]);
  const save = useMutation({
    mutationFn: ({ values: { currency: _currency, brand, description, ...values }, version }: SaveDetails) =>
      unwrap(
        catalogApi.PUT('/api/v1/admin/products/{id}', {
          params: { path: { id: product.id } },
          // The version the form started from: if anyone saved meanwhile, the service answers 409 instead of overwriting.
          body: { ...values, brand: brand || null, description: description || null, version },
        }),
      ),
    onSuccess: (saved) => {
      setPinned(null); // the form starts over from what was saved
      return changed(saved);
    },
    onError: reloadWhenUnsure(changed),
  });
  const archive = useMutation({
    mutationFn: () => unwrap(catalogApi.DELETE('/api/v1/admin/products/{id}', { params: { path: { id: product.id } } })),
    onSuccess: () => changed(),
    onError: reloadWhenUnsure(changed),
  });
  const loadLatest = () => {
    save.reset();
    setPinned(null);
  };
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
      {outdated && (
        <div className="notice" role="status">
          <p>
            This product changed since you started editing: it is now at version {product.version}, and your unsaved
            details are based on version {started.version}, so saving them would be refused as a conflict. Copy anything
            you want to keep, then load the latest version.
          </p>
          <button type="button" className="button secondary" onClick={loadLatest}>
            Load the latest version
          </button>
        </div>
      )}
      {/* Keyed by product: a reload replaces the inputs only while they hold no unsaved edits (see `pinned`). */}
      <ProductForm
        key={product.id}
        initial={initial}
        mode="edit"
        onSubmit={(values) => save.mutate({ values, version: started.version })}
        onDirtyChange={(dirty) => setPinned((current) => (dirty ? (current ?? product) : null))}
        pending={save.isPending}
        error={save.error}
        readOnly={!canEdit}
        errorAction={
          conflict &&
          !outdated && (
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                loadLatest();
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
  return <QueryView query={product}>{(data) => <ProductEditor key={data.id} product={data} />}</QueryView>;
}
