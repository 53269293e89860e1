// Catalog queries shared by the storefront pages.
import { useQuery } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../api/client';
import type { components } from '../api/schema/catalog';

export type CategoryNode = components['schemas']['CategoryNode'];
export type ProductSummary = components['schemas']['ProductSummary'];
export type ProductDetail = components['schemas']['ProductDetail'];
export type ProductPage = components['schemas']['ProductPage'];
export type Review = components['schemas']['ReviewDto'];

export function useCategories() {
  return useQuery({
    queryKey: ['categories'],
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/categories', { signal })),
    staleTime: 5 * 60_000,
  });
}

/** Depth-first search of the category tree. */
export function findCategory(nodes: CategoryNode[] | undefined, slug: string): CategoryNode | undefined {
  for (const node of nodes ?? []) {
    if (node.slug === slug) return node;
    const found = findCategory(node.children as CategoryNode[], slug);
    if (found) return found;
  }
  return undefined;
}
