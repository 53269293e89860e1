/**
 * How long a request may wait for the answer's headers before it fails, as a lost connection does. The services' own
 * calls give up within seconds, so an answer this late is not coming; without a limit a hung request would hold up
 * everything queued behind it (cart changes are sent one at a time, token renewals one tab at a time) until the tab
 * is closed.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** What a request that outlived REQUEST_TIMEOUT_MS fails with. */
export class RequestTimeoutError extends Error {
  constructor() {
    super('The shop took too long to answer. Please try again.');
    this.name = 'RequestTimeoutError';
  }
}

/** fetch that gives up after REQUEST_TIMEOUT_MS with a RequestTimeoutError, or when the caller aborts the request. */
export async function timedFetch(request: Request): Promise<Response> {
  const controller = new AbortController();
  const timedOut = new RequestTimeoutError();
  const timer = setTimeout(() => controller.abort(timedOut), REQUEST_TIMEOUT_MS);
  const forward = () => controller.abort(request.signal.reason);
  if (request.signal.aborted) forward();
  else request.signal.addEventListener('abort', forward, { once: true });
  try {
    return await fetch(new Request(request, { signal: controller.signal }));
  } catch (error) {
    throw controller.signal.reason === timedOut ? timedOut : error;
  } finally {
    clearTimeout(timer);
    request.signal.removeEventListener('abort', forward);
  }
}
