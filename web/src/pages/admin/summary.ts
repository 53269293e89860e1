// The dashboard's figures: GET /api/v1/admin/orders/summary, typed by the generated ordering schema.
import { orderingApi, unwrap } from '../../api/client';
import type { OrderSummaryReport } from './types';

/** Orders and revenue since `since`, with the current count of orders in each status. */
export function fetchOrderSummary(since: Date, signal?: AbortSignal): Promise<OrderSummaryReport> {
  return unwrap(orderingApi.GET('/api/v1/admin/orders/summary', { params: { query: { since: since.toISOString() } }, signal }));
}

/** Midnight at the start of today in the browser's time zone: "today" as the person at the desk means it. */
export function localMidnight(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}
