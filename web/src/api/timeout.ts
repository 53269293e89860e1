/**
 * How long a request may take, answer body included, before it fails as a lost connection does. Longer than the
 * edge waits for a service (50 s, deploy/edge/nginx.conf.template), so a slow service is answered by the edge (a 504)
 * and this only ends requests whose connection is dead. Without a limit, such a request would hold up everything
 * queued behind it (cart changes are sent one at a time) until the tab is closed.
 */
export const REQUEST_TIMEOUT_MS = 70_000;

/** What to tell a person whose request got no answer in time (from the edge, or none at all): it may have been carried out. */
export const tooLateSentence = 'The shop took too long to answer. What you asked for may still have been done: check before trying again.';

/** What a request that outlived REQUEST_TIMEOUT_MS fails with. */
export class RequestTimeoutError extends Error {
  constructor() {
    super(tooLateSentence);
    this.name = 'RequestTimeoutError';
  }
}

/**
 * fetch that gives up after REQUEST_TIMEOUT_MS with a RequestTimeoutError, or when the caller aborts the request. Both
 * stay armed after the headers arrive, so they cover reading the body too (aborting a response already read does
 * nothing, and the timer lapses).
 */
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
    clearTimeout(timer);
    request.signal.removeEventListener('abort', forward);
    throw controller.signal.reason === timedOut ? timedOut : error;
  }
}
