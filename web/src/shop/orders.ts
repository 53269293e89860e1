// Orders as the customer sees them, and the words for what happened to an order that did not go through.
import type { components } from '../api/schema/ordering';

export type Order = components['schemas']['OrderDto'];
export type Address = components['schemas']['Address'];
export type Quote = components['schemas']['QuoteDto'];

const declineText: Record<string, string> = {
  insufficient_funds: 'the card has insufficient funds',
  stolen_card: 'the card was reported stolen',
  processing_error: 'the card network had a processing error',
  do_not_honor: 'the bank refused the payment',
};

/** Whether checkout ended without an order that holds anything: rejected, or the payment failed. */
export function placementFailed(order: Pick<Order, 'status'>): boolean {
  return order.status === 'rejected' || order.status === 'payment_failed';
}

/** Statuses of an order the card paid for (or holds the money for until shipping): ordering's sales. */
export const paidStatuses: ReadonlySet<string> = new Set(['confirmed', 'shipped', 'delivered', 'partially_refunded', 'refunded']);

/** Statuses an order can be cancelled in (the customer's and the back office's cancel). */
export const cancellableStatuses: ReadonlySet<string> = new Set(['confirmed', 'on_hold']);

/** A cancellation was asked for and the shop completes it: nothing else is done to the order meanwhile. */
export function cancellationUnderWay(order: Pick<Order, 'status' | 'cancellationRequestedAt'>): boolean {
  return Boolean(order.cancellationRequestedAt) && cancellableStatuses.has(order.status);
}

/** Why an order failed, for the shopper: failureReason is "payment_declined: insufficient_funds", "out_of_stock: SKU", "risk_declined". */
export function failureSentence(order: Pick<Order, 'status' | 'failureReason'>): string {
  const [kind = '', detail = ''] = (order.failureReason ?? '').split(':').map((part) => part.trim());
  if (order.status === 'payment_failed' || kind === 'payment_declined') {
    const why = declineText[detail] ?? 'the payment was declined';
    return `Your payment did not go through: ${why}. No order was placed and nothing was charged. Try another card.`;
  }
  if (kind === 'out_of_stock') {
    return `Sorry, some items sold out while you were checking out${detail ? ` (${detail})` : ''}. No order was placed; your cart shows what is left.`;
  }
  if (kind === 'risk_declined') return 'We could not accept this order. No payment was taken. Please contact us if you think this is a mistake.';
  return 'This order could not be placed. Nothing was charged.';
}

/** Countries the shop ships to (ordering's configuration); the list in the address form. */
export const countries = [
  { code: 'DE', name: 'Germany' },
  { code: 'AT', name: 'Austria' },
  { code: 'BE', name: 'Belgium' },
  { code: 'FR', name: 'France' },
  { code: 'LU', name: 'Luxembourg' },
  { code: 'NL', name: 'Netherlands' },
  { code: 'GB', name: 'United Kingdom' },
  { code: 'US', name: 'United States' },
  { code: 'JP', name: 'Japan' },
];

