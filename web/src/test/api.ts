// A stand-in for the services behind the edge: `fetch` answers from a table of routes and records every request,
// so a test states what the server says and checks what the page sent.
import { vi } from 'vitest';
import type { ProblemDetails } from '../api/problem';

/** One request the page made, with its JSON body already read. */
export interface ApiCall {
  method: string;
  /** the path without the query, e.g. "/api/v1/auth/login" */
  path: string;
  url: URL;
  body: unknown;
  request: Request;
}

/** Builds the answer to one call; called once per request, so a Response body is never read twice. */
export type Reply = (call: ApiCall) => Response | Promise<Response>;

/** "METHOD /path" → reply. A path may hold `:name` segments ("GET /api/v1/orders/:id") or an exact query. */
export type Routes = Record<string, Reply>;

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** An RFC 9457 answer as the services write it. */
export function problem(status: number, details: Omit<ProblemDetails, 'status'> = {}): Response {
  return new Response(JSON.stringify({ status, ...details }), {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
  });
}

/** The edge's own answer when a service dropped the connection (502) or did not answer in time (504), as deploy/edge/nginx.conf.template writes it. */
export function edgeProblem(status: 502 | 504): Response {
  return status === 502
    ? problem(502, { type: 'about:blank', title: 'Bad Gateway', detail: 'The shop did not answer. What you asked for may still have been done: check before trying again.' })
    : problem(504, { type: 'about:blank', title: 'Gateway Timeout', detail: 'The shop took too long to answer. What you asked for may still have been done: check before trying again.' });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** An answer that never comes: the request ends only when its signal aborts, with the abort's reason, as fetch does. */
export function hang(call: ApiCall): Promise<Response> {
  return new Promise((_, reject) => {
    const signal = call.request.signal;
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** What identity says on a page load without a refresh cookie; every mock answers it unless told otherwise. */
const defaults: Routes = {
  'POST /api/v1/auth/refresh': () => problem(401, { title: 'Not signed in', detail: 'No refresh token was sent. Sign in again.' }),
};

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  hasQuery: boolean;
  reply: Reply;
}

function compile(key: string, reply: Reply): CompiledRoute {
  const match = /^([A-Z]+) (\/\S*)$/.exec(key);
  if (!match) throw new Error(`mockApi: a route is "METHOD /path", not "${key}"`);
  const [, method = '', target = ''] = match;
  const escaped = target
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/?]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return { method, pattern: new RegExp(`^${escaped}$`), hasQuery: target.includes('?'), reply };
}

async function readBody(request: Request): Promise<unknown> {
  const text = await request.clone().text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Replaces `fetch` for the current test. Routes with a query must match it exactly and win over the same path
 * without one. A request no route answers fails the test's request with an error naming it.
 */
export function mockApi(routes: Routes) {
  const table = Object.entries({ ...defaults, ...routes }).map(([key, reply]) => compile(key, reply));
  const calls: ApiCall[] = [];

  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    // Every call passes a Request (openapi-fetch, and the session's refresh through timedFetch); a URL is resolved as a
    // browser would, for a test that calls fetch itself.
    const request = input instanceof Request ? input : new Request(new URL(String(input), window.location.origin), init);
    const url = new URL(request.url);
    const call: ApiCall = { method: request.method, path: url.pathname, url, body: await readBody(request), request };
    calls.push(call);
    const candidates = table.filter((route) => route.method === call.method);
    const route =
      candidates.find((r) => r.hasQuery && r.pattern.test(url.pathname + url.search)) ??
      candidates.find((r) => !r.hasQuery && r.pattern.test(url.pathname));
    if (!route) throw new Error(`mockApi: no route for ${call.method} ${url.pathname}${url.search}`);
    return route.reply(call);
  });
  vi.stubGlobal('fetch', fetchMock);

  return {
    fetch: fetchMock,
    /** every request so far, oldest first */
    calls,
    /** the requests to one "METHOD /path" (exact path, query ignored) */
    callsTo(key: string): ApiCall[] {
      return calls.filter((call) => `${call.method} ${call.path}` === key);
    },
  };
}
