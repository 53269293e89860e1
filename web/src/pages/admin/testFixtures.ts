// Answers of the services, shaped as the generated types say, for the back office's component tests.
import type { Order, Payment, ProductDetail } from './types';

export function testOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: '0196a1b2-0000-7000-8000-00000000a001',
    number: 1042,
    status: 'confirmed',
    currency: 'EUR',
    subtotal: 9000,
    shipping: 500,
    tax: 500,
    total: 10000,
    refunded: 0,
    cardBrand: 'visa',
    cardLast4: '4242',
    carrier: null,
    trackingNumber: null,
    failureReason: null,
    cancellationRequestedAt: null,
    deliveredAt: null,
    shippingMethod: 'standard',
    shippingAddress: { name: 'Ada Lovelace', line1: '1 Analytical Way', line2: null, city: 'London', postalCode: 'N1 1AA', region: null, country: 'GB' },
    lines: [
      {
        sku: 'RUN-42-BLK',
        productId: '0196a1b2-0000-7000-8000-00000000b001',
        name: 'Trail Runner',
        options: { size: '42' },
        unitPrice: 9000,
        quantity: 1,
        lineTotal: 9000,
      },
    ],
    timeline: [{ type: 'placed', detail: '', actor: 'customer', at: '2025-05-01T09:00:00Z' }],
    createdAt: '2025-05-01T09:00:00Z',
    updatedAt: '2025-05-01T09:05:00Z',
    ...overrides,
  };
}

export function testPayment(orderId: string): Payment {
  return {
    id: '0196a1b2-0000-7000-8000-00000000c001',
    orderId,
    status: 'authorized',
    currency: 'EUR',
    amount: 10000,
    capturedAmount: 0,
    refundedAmount: 0,
    declineCode: null,
    card: { brand: 'visa', last4: '4242', bin: '424242', country: 'GB', fingerprint: 'fp' },
    transactions: [{ id: '0196a1b2-0000-7000-8000-00000000c101', kind: 'authorize', status: 'succeeded', amount: 10000, createdAt: '2025-05-01T09:01:00Z' }],
    createdAt: '2025-05-01T09:01:00Z',
    updatedAt: '2025-05-01T09:01:00Z',
  };
}

export function testProduct(overrides: Partial<ProductDetail> = {}): ProductDetail {
  return {
    id: '0196a1b2-0000-7000-8000-00000000b001',
    slug: 'trail-runner',
    name: 'Trail Runner',
    description: 'A shoe for rough paths.',
    brand: 'Stride',
    category: { id: '0196a1b2-0000-7000-8000-00000000d001', slug: 'shoes', name: 'Shoes' },
    breadcrumbs: [],
    status: 'active',
    attributes: {},
    currency: 'EUR',
    minPrice: 9000,
    maxPrice: 9000,
    rating: { average: 0, count: 0 },
    variants: [{ sku: 'RUN-42-BLK', options: { size: '42' }, price: 9000, compareAtPrice: null, weightGrams: 800, availability: 'in_stock' }],
    images: [{ id: '0196a1b2-0000-7000-8000-00000000e001', url: '/media/products/x.png', altText: 'Trail Runner from the side', position: 0 }],
    createdAt: '2025-04-01T09:00:00Z',
    updatedAt: '2025-04-02T09:00:00Z',
    version: 3,
    ...overrides,
  };
}
