// Query keys of the back office. Lists take their filters as a last element, so invalidating a prefix such as
// adminKeys.orders refreshes every filtered page of it at once.
export const adminKeys = {
  summary: ['admin', 'summary'] as const,
  categories: ['admin', 'categories'] as const,
  products: ['admin', 'products'] as const,
  product: (id: string) => ['admin', 'product', id] as const,
  stock: ['admin', 'stock'] as const,
  adjustments: (sku: string) => ['admin', 'adjustments', sku] as const,
  orders: ['admin', 'orders'] as const,
  order: (id: string) => ['admin', 'order', id] as const,
  orderNotes: (id: string) => ['admin', 'order', id, 'notes'] as const,
  payment: (orderId: string) => ['admin', 'payment', orderId] as const,
  users: ['admin', 'users'] as const,
  riskRules: ['admin', 'risk', 'rules'] as const,
  assessments: ['admin', 'risk', 'assessments'] as const,
  assessment: (id: string) => ['admin', 'risk', 'assessment', id] as const,
  reviews: ['admin', 'reviews'] as const,
};
