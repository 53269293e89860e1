// Typed clients for the services behind the edge. Paths, bodies and answers come from the generated OpenAPI types
// (src/api/schema, see scripts/api-types.mjs); every call goes through authFetch.
import createClient from 'openapi-fetch';
import type { paths as CartPaths } from './schema/cart';
import type { paths as CatalogPaths } from './schema/catalog';
import type { paths as IdentityPaths } from './schema/identity';
import type { paths as OrderingPaths } from './schema/ordering';
import type { paths as PaymentsPaths } from './schema/payments';
import type { paths as RiskPaths } from './schema/risk';
import { ApiError, type ProblemDetails } from './problem';
import { getSession, refreshSession, type Session } from './session';
import { timedFetch } from './timeout';

function withToken(request: Request, session: Session | null): Request {
  const copy = new Request(request);
  // A caller that names its own token (sign-in merging the guest cart before the session is published) keeps it.
  if (session && !request.headers.has('Authorization')) copy.headers.set('Authorization', `Bearer ${session.accessToken}`);
  return copy;
}

/**
 * fetch with the in-memory access token. A token about to expire is renewed first; a 401 despite a token (expired
 * early, keys rotated) renews it once and repeats the request once: the shopper never sees it. Each of those calls
 * (renewal, request, renewal, repeat) has its own REQUEST_TIMEOUT_MS: on a dead connection the whole ends after at
 * most two of them (a renewal that gives up keeps the old token, the request then times out); a shop that answers
 * each just in time can take four.
 */
export async function authFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  let session = getSession();
  if (session && session.expiresAt - Date.now() < 15_000) session = await refreshSession();
  const response = await timedFetch(withToken(request, session));
  if (response.status !== 401 || !session) return response;
  const renewed = await refreshSession();
  return renewed ? timedFetch(withToken(retry, renewed)) : response;
}

const options = {
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  fetch: (request: Request) => authFetch(request),
  credentials: 'same-origin' as const,
};

export const identityApi = createClient<IdentityPaths>(options);
export const catalogApi = createClient<CatalogPaths>(options);
export const cartApi = createClient<CartPaths>(options);
export const orderingApi = createClient<OrderingPaths>(options);
export const paymentsApi = createClient<PaymentsPaths>(options);
export const riskApi = createClient<RiskPaths>(options);

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or an ApiError carrying the service's problem details. */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem = error && typeof error === 'object' ? (error as ProblemDetails) : { status: response.status };
    throw new ApiError(response.status, problem);
  }
  return data as T;
}
