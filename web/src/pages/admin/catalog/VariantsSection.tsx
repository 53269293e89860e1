import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { ActionButton, DataTable, FormError, Money } from '../../../components/ui';
import { formatOptions, humanize } from '../../../format';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import type { ProductDetail, Variant } from '../types';
import { useProductChanged } from './products';
import { VariantForm, type VariantFormValues } from './VariantForm';

function AddVariant({ product }: { product: ProductDetail }) {
  const changed = useProductChanged(product.id);
  const add = useMutation({
    mutationFn: (values: VariantFormValues) =>
      unwrap(catalogApi.POST('/api/v1/admin/products/{id}/variants', { params: { path: { id: product.id } }, body: values })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  return (
    <>
      <h3>Add a variant</h3>
      {/* keyed by the variant count: a fresh, empty form after each success */}
      <VariantForm key={product.variants.length} currency={product.currency} onSubmit={add.mutate} pending={add.isPending} error={add.error} />
    </>
  );
}

function EditVariant({ product, variant, onDone }: { product: ProductDetail; variant: Variant; onDone: () => void }) {
  const changed = useProductChanged(product.id);
  // The product's version when this form opened: if anyone saved the product meanwhile, the service answers 409
  // instead of overwriting their change with what this form still shows.
  const [version] = useState(product.version);
  const save = useMutation({
    mutationFn: ({ options, price, compareAtPrice, weightGrams }: VariantFormValues) =>
      unwrap(
        catalogApi.PUT('/api/v1/admin/products/{id}/variants/{sku}', {
          params: { path: { id: product.id, sku: variant.sku } },
          body: { options, price, compareAtPrice, weightGrams, version },
        }),
      ),
    onSuccess: async (updated) => {
      await changed(updated);
      onDone();
    },
    onError: reloadWhenUnsure(changed),
  });
  return (
    <>
      <h3>Edit variant {variant.sku}</h3>
      <VariantForm currency={product.currency} variant={variant} onSubmit={save.mutate} onCancel={onDone} pending={save.isPending} error={save.error} />
    </>
  );
}

export function VariantsSection({ product }: { product: ProductDetail }) {
  const canEdit = useCanEdit();
  const changed = useProductChanged(product.id);
  const [editing, setEditing] = useState<string | null>(null);
  const remove = useMutation({
    mutationFn: (sku: string) => unwrap(catalogApi.DELETE('/api/v1/admin/products/{id}/variants/{sku}', { params: { path: { id: product.id, sku } } })),
    onSuccess: () => changed(),
    onError: reloadWhenUnsure(changed),
  });
  const editedVariant = product.variants.find((v) => v.sku === editing);

  return (
    <section aria-labelledby="variants-heading">
      <h2 id="variants-heading">Variants</h2>
      <FormError error={remove.error} />
      {product.variants.length === 0 ? (
        <p className="muted">No variants yet: a product needs at least one before it can be active.</p>
      ) : (
        <DataTable columns={['SKU', 'Options', { label: 'Price', num: true }, { label: 'Compare at', num: true }, { label: 'Weight', num: true }, 'Availability', canEdit && 'Actions']}>
          {product.variants.map((variant) => (
            <tr key={variant.sku}>
              <td>{variant.sku}</td>
              <td>{formatOptions(variant.options) || '—'}</td>
              <td className="num">
                <Money minor={variant.price} currency={product.currency} />
              </td>
              <td className="num">{variant.compareAtPrice != null ? <Money minor={variant.compareAtPrice} currency={product.currency} /> : '—'}</td>
              <td className="num">{variant.weightGrams} g</td>
              <td>{humanize(variant.availability)}</td>
              {canEdit && (
                <td>
                  <span className="button-row">
                    <button type="button" className="button secondary small" onClick={() => setEditing(variant.sku)} aria-label={`Edit variant ${variant.sku}`}>
                      Edit
                    </button>
                    <ActionButton
                      className="button danger small"
                      pending={remove.isPending && remove.variables === variant.sku}
                      confirm={`Delete the variant ${variant.sku}?`}
                      onAction={() => remove.mutate(variant.sku)}
                      aria-label={`Delete variant ${variant.sku}`}
                    >
                      Delete
                    </ActionButton>
                  </span>
                </td>
              )}
            </tr>
          ))}
        </DataTable>
      )}
      {canEdit &&
        (editedVariant ? (
          <EditVariant key={editedVariant.sku} product={product} variant={editedVariant} onDone={() => setEditing(null)} />
        ) : (
          <AddVariant product={product} />
        ))}
    </section>
  );
}
