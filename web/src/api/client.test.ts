import { hang } from '../test/api';
import { authResponse, json, mockApi, problem } from '../test/render';
import { catalogApi, unwrap } from './client';
import { ApiError, errorMessage } from './problem';
import { getSession, refreshSession, setSession } from './session';
import { REQUEST_TIMEOUT_MS, RequestTimeoutError } from './timeout';

const me = 'GET /api/v1/products/:id';

describe('authFetch', () => {
  it('sends the in-memory access token', async () => {
    setSession(authResponse());
    const api = mockApi({ [me]: () => json({ id: 'x' }) });
    await unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: 'x' } } }));
    expect(api.calls[0]?.request.headers.get('Authorization')).toBe('Bearer test-access-token');
  });

  it('renews an expired token once and repeats the request once, invisibly', async () => {
    setSession(authResponse());
    const api = mockApi({
      [me]: (call) =>
        call.request.headers.get('Authorization') === 'Bearer renewed' ? json({ id: 'x' }) : problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/refresh': () => json({ ...authResponse(), accessToken: 'renewed' }),
    });

    const product = await unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: 'x' } } }));

    expect(product).toEqual({ id: 'x' });
    expect(api.callsTo('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(2);
    expect(getSession()?.accessToken).toBe('renewed');
  });

  it('gives up after one renewal: a second 401 reaches the caller and the session ends if the cookie is gone', async () => {
    setSession(authResponse());
    const api = mockApi({ [me]: () => problem(401, { title: 'Unauthorized' }) });

    const call = unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: 'x' } } }));

    await expect(call).rejects.toBeInstanceOf(ApiError);
    expect(api.callsTo('POST /api/v1/auth/refresh')).toHaveLength(1);
    expect(api.calls.filter((c) => c.method === 'GET')).toHaveLength(1);
    expect(getSession()).toBeNull();
  });

  it('shares one refresh between requests that fail together (identity revokes a refresh token used twice)', async () => {
    setSession(authResponse());
    const api = mockApi({
      [me]: (call) =>
        call.request.headers.get('Authorization') === 'Bearer renewed' ? json({ id: 'x' }) : problem(401, { title: 'Unauthorized' }),
      'POST /api/v1/auth/refresh': async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return json({ ...authResponse(), accessToken: 'renewed' });
      },
    });

    await Promise.all(
      ['a', 'b', 'c'].map((id) => unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: id } } }))),
    );

    expect(api.callsTo('POST /api/v1/auth/refresh')).toHaveLength(1);
  });

  it('refreshes while holding the cross-tab lock, so two tabs never present one refresh cookie at once', async () => {
    let held = false;
    const names: string[] = [];
    const locks = {
      request: async (name: string, work: () => Promise<unknown>) => {
        names.push(name);
        held = true;
        try {
          return await work();
        } finally {
          held = false;
        }
      },
    };
    Object.defineProperty(navigator, 'locks', { value: locks, configurable: true });
    try {
      setSession(authResponse());
      let heldDuringRefresh: boolean | undefined;
      mockApi({
        [me]: (call) =>
          call.request.headers.get('Authorization') === 'Bearer renewed' ? json({ id: 'x' }) : problem(401, { title: 'Unauthorized' }),
        'POST /api/v1/auth/refresh': () => {
          heldDuringRefresh = held;
          return json({ ...authResponse(), accessToken: 'renewed' });
        },
      });

      await unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: 'x' } } }));

      expect(heldDuringRefresh).toBe(true);
      expect(names).toEqual(['bazaar-session-refresh']);
    } finally {
      Reflect.deleteProperty(navigator, 'locks');
    }
  });

  it('times the token by expiresIn, so a device clock ahead of the server does not refresh before every request', async () => {
    const serverNow = Date.now() - 20 * 60_000; // this device is 20 minutes ahead
    setSession({ ...authResponse(), expiresIn: 900, expiresAt: new Date(serverNow + 900_000).toISOString() });
    const api = mockApi({ [me]: () => json({ id: 'x' }) });

    await unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug: 'x' } } }));

    expect(api.callsTo('POST /api/v1/auth/refresh')).toHaveLength(0);
  });

  it('never shows a 500 detail (in development it is the exception) but does show a 503 sentence', async () => {
    setSession(null);
    mockApi({
      'GET /api/v1/products/boom': () => problem(500, { title: 'Error', detail: 'System.InvalidOperationException: at Foo.Bar()' }),
      'GET /api/v1/products/busy': () => problem(503, { title: 'Unavailable', detail: 'The cart could not be read; try again.' }),
    });
    const get = (idOrSlug: string) => unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug } } }));

    await expect(get('boom')).rejects.toThrow('Something went wrong on our side. If you were changing something, check whether it was done before trying again.');
    await expect(get('busy')).rejects.toThrow('The cart could not be read; try again.');
  });

  describe('a request that gets no answer', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());
    const get = (idOrSlug: string, signal?: AbortSignal) =>
      unwrap(catalogApi.GET('/api/v1/products/{idOrSlug}', { params: { path: { idOrSlug } }, signal }));

    it('fails after REQUEST_TIMEOUT_MS with a sentence for the shopper: it may have been done', async () => {
      setSession(authResponse());
      const api = mockApi({ 'GET /api/v1/products/stuck': hang });

      const stuck = get('stuck').catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
      expect(api.calls[0]?.request.signal.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(1);

      const error = await stuck;
      expect(error).toBeInstanceOf(RequestTimeoutError);
      expect(errorMessage(error)).toMatch(/may still have been done/);
    });

    it('also ends an answer whose body stops coming after its headers', async () => {
      setSession(authResponse());
      mockApi({
        'GET /api/v1/products/stalled': (call) =>
          new Response(
            new ReadableStream({
              start(body) {
                body.enqueue(new TextEncoder().encode('{"id":'));
                call.request.signal.addEventListener('abort', () => body.error(call.request.signal.reason), { once: true });
              },
            }),
            { headers: { 'Content-Type': 'application/json' } },
          ),
      });

      const stalled = get('stalled').catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);

      expect(await stalled).toBeInstanceOf(RequestTimeoutError);
    });

    it('still ends when the caller aborts it (a query that is cancelled), with the caller\'s reason', async () => {
      setSession(authResponse());
      mockApi({ 'GET /api/v1/products/stuck': hang });
      const caller = new AbortController();

      const stuck = get('stuck', caller.signal).catch((error: unknown) => error);
      await vi.advanceTimersByTimeAsync(10);
      caller.abort(new DOMException('navigated away', 'AbortError'));

      const error = await stuck;
      expect(error).not.toBeInstanceOf(RequestTimeoutError);
      expect((error as DOMException).name).toBe('AbortError');
    });

    it('a token renewal that hangs gives up in time and keeps the session, so requests waiting for it go on', async () => {
      setSession(authResponse());
      mockApi({ 'POST /api/v1/auth/refresh': hang });

      const renewal = refreshSession();
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);

      expect((await renewal)?.accessToken).toBe('test-access-token');
    });
  });
});
