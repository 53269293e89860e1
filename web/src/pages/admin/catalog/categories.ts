import { useQuery, useQueryClient } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { adminKeys } from '../queryKeys';
import type { CategoryNode } from '../types';

export function useAdminCategories() {
  return useQuery({
    queryKey: adminKeys.categories,
    queryFn: ({ signal }) => unwrap(catalogApi.GET('/api/v1/admin/categories', { signal })),
  });
}

/** After a category change: the back office tree and the storefront's navigation both read it. */
export function useCategoriesChanged() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.categories }),
      queryClient.invalidateQueries({ queryKey: ['categories'] }),
    ]);
}

interface FlatCategory {
  node: CategoryNode;
  depth: number;
}

/** The tree in display order, each node with its depth: for select options. */
export function flattenCategories(nodes: CategoryNode[], depth = 0): FlatCategory[] {
  return nodes.flatMap((node) => [{ node, depth }, ...flattenCategories(node.children, depth + 1)]);
}

/** The ids of a node and everything under it: where it cannot be moved to. */
export function subtreeIds(node: CategoryNode): Set<string> {
  return new Set(flattenCategories([node]).map(({ node: n }) => n.id));
}
