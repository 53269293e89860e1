import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { catalogApi, unwrap } from '../../../api/client';
import { PageTitle } from '../../../components/ui';
import { useCanEdit } from '../hooks';
import { adminKeys } from '../queryKeys';
import { emptyProduct, ProductForm, type ProductFormValues } from './ProductForm';

export function NewProductPage() {
  const canEdit = useCanEdit();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: ({ slug, brand, description, ...values }: ProductFormValues) =>
      unwrap(
        catalogApi.POST('/api/v1/admin/products', {
          body: { ...values, slug: slug || null, brand: brand || null, description: description || null, variants: null },
        }),
      ),
    onSuccess: async (product) => {
      queryClient.setQueryData(adminKeys.product(product.id), product);
      await queryClient.invalidateQueries({ queryKey: adminKeys.products });
      navigate(`/admin/products/${product.id}`);
    },
  });
  return (
    <>
      <PageTitle>New product</PageTitle>
      {canEdit ? (
        <>
          <p className="muted">A product starts as a draft; add variants and images on the next page, then make it active.</p>
          <ProductForm initial={emptyProduct} mode="create" onSubmit={create.mutate} pending={create.isPending} error={create.error} />
        </>
      ) : (
        <p>Only admins can create products.</p>
      )}
    </>
  );
}
