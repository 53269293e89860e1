import { useQuery, useQueryClient } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { adminKeys } from '../queryKeys';
import type { ProductDetail } from '../types';

export const productStatuses = ['draft', 'active', 'archived'] as const;

/** ISO 4217 codes the catalog accepts (ServiceDefaults/Money/Currencies.cs). */
export const currencies = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'CAD', 'AUD', 'NZD', 'JPY', 'KRW', 'ISK'] as const;

export function useAdminProduct(id: string) {
  return useQuery({
    queryKey: adminKeys.product(id),
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/products/{id}', { params: { path: { id } }, signal })),
  });
}

/**
 * After a product change: the answer is the new product (or, for images, the product is fetched again), and the lists
 * and stock that show it are refreshed.
 */
export function useProductChanged(id: string) {
  const queryClient = useQueryClient();
  return async (product?: ProductDetail) => {
    if (product) queryClient.setQueryData(adminKeys.product(id), product);
    else await queryClient.invalidateQueries({ queryKey: adminKeys.product(id) });
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.products }),
      queryClient.invalidateQueries({ queryKey: adminKeys.stock }),
    ]);
  };
}
