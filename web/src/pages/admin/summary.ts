// GET /api/v1/admin/orders/summary is newer than the generated ordering types. This hand-written wrapper is the only
// place that knows its shape: after "npm run api:generate", switch it to orderingApi.GET and delete the interfaces.
import { authFetch } from '../../api/client';
import { ApiError, readProblem } from '../../api/problem';

export interface CurrencyAmount {
  currency: string;
  /** minor units */
  amount: number;
}

export interface StatusCount {
  status: string;
  count: number;
}

export interface OrderSummaryReport {
  since: string;
  /** orders created since `since` that became sales */
  orders: number;
  revenue: CurrencyAmount[];
  /** current counts over all orders */
  byStatus: StatusCount[];
}

export async function fetchOrderSummary(since: Date): Promise<OrderSummaryReport> {
  const url = new URL('/api/v1/admin/orders/summary', window.location.origin);
  url.searchParams.set('since', since.toISOString());
  const response = await authFetch(new Request(url, { credentials: 'same-origin' }));
  if (!response.ok) throw new ApiError(response.status, await readProblem(response));
  return (await response.json()) as OrderSummaryReport;
}

/** Midnight at the start of today in the browser's time zone: "today" as the person at the desk means it. */
export function localMidnight(now = new Date()): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate());
}
