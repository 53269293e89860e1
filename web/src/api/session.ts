// The signed-in session as the API client needs it: the access token lives in memory only (never in storage);
// the refresh token is identity's httpOnly cookie, which JavaScript cannot read.
import type { components } from './schema/identity';
import { timedFetch } from './timeout';

export type User = components['schemas']['UserDto'];
export type AuthResponse = components['schemas']['AuthResponse'];

export interface Session {
  accessToken: string;
  expiresAt: number; // epoch ms
  user: User;
}

type Listener = (session: Session | null) => void;

let current: Session | null = null;
// Whether this browser was signed in when the page was last left: only then is there a refresh cookie worth
// trading. Anonymous visitors make no refresh call at all (and so do not use up the sign-in rate limit).
const hintKey = 'bazaar.signedIn';

function remember(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(hintKey, '1');
    else localStorage.removeItem(hintKey);
  } catch {
    // storage disabled: every page load asks once
  }
}

export function mayHaveSession(): boolean {
  try {
    return localStorage.getItem(hintKey) === '1';
  } catch {
    return true;
  }
}
const listeners = new Set<Listener>();
let refreshing: Promise<Session | null> | null = null;

export function getSession(): Session | null {
  return current;
}

export function setSession(response: AuthResponse | null): Session | null {
  // From expiresIn, not expiresAt: expiresAt is the server's clock, and a device clock minutes ahead would otherwise
  // see every token as expiring and refresh before each request.
  current = response
    ? { accessToken: response.accessToken, expiresAt: Date.now() + response.expiresIn * 1000, user: response.user }
    : null;
  remember(current !== null);
  for (const listener of listeners) listener(current);
  return current;
}

export function updateUser(user: User): void {
  if (current) setSession({ ...toResponse(current), user });
}

function toResponse(session: Session): AuthResponse {
  return {
    accessToken: session.accessToken,
    tokenType: 'Bearer',
    expiresIn: Math.max(0, Math.round((session.expiresAt - Date.now()) / 1000)),
    expiresAt: new Date(session.expiresAt).toISOString(),
    user: session.user,
    refreshToken: null,
  };
}

export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Runs a refresh while no other tab of this site runs one (Web Locks; where the browser has none, at once). Tabs share
 * the refresh cookie: two tabs restored at start-up would otherwise present the same refresh token twice, which
 * identity takes for theft and ends the session everywhere. Taking turns, each sends the cookie as the one before left it.
 */
async function oneTabAtATime(work: () => Promise<Session | null>): Promise<Session | null> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? await locks.request('bazaar-session-refresh', work) : work();
}

/**
 * Trades the refresh cookie for a new access token. Concurrent callers share one request, and tabs take turns
 * (oneTabAtATime): identity treats a refresh token presented twice as stolen and ends the session.
 */
export function refreshSession(): Promise<Session | null> {
  refreshing ??= oneTabAtATime(async () => {
    try {
      const response = await timedFetch(
        new Request(new URL('/api/v1/auth/refresh', window.location.origin), {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/json' },
          body: '{}',
        }),
      );
      if (response.ok) return setSession((await response.json()) as AuthResponse);
      // Only identity's 401 says the session is over; a 429 or a 5xx says nothing about the cookie, which may well
      // still be good: keep what we have (and the hint, so the next page load asks again).
      return response.status === 401 ? setSession(null) : current;
    } catch {
      return current; // offline or no answer in time: keep what we have; the next call tries again
    } finally {
      refreshing = null;
    }
  });
  return refreshing;
}
