// Who is signed in, for components: the session store (src/api/session.ts) as React state, plus the account actions
// that change it. A reload restores the session from identity's refresh cookie before protected pages decide.
import { createContext, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient, type Query } from '@tanstack/react-query';
import { cartApi, identityApi, unwrap } from '../api/client';
import { ApiError } from '../api/problem';
import { getGuestCartId, setGuestCartId, setLeftOut, type LeftOutLine } from '../api/cartId';
import { getSession, mayHaveSession, refreshSession, setSession, subscribe, type AuthResponse, type Session, type User } from '../api/session';

export type Role = 'customer' | 'support' | 'admin';

interface AuthContextValue {
  /** false until the first refresh attempt after a page load has answered */
  ready: boolean;
  session: Session | null;
  user: User | null;
  hasRole: (role: Role) => boolean;
  signIn: (email: string, password: string) => Promise<User>;
  register: (email: string, password: string, displayName: string) => Promise<User>;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

let restoring: Promise<unknown> | null = null;

/**
 * Folds the guest cart into the customer's. The guest id is forgotten once merged, or when the cart service says
 * there is nothing to merge (expired: 404, not a cart id: 400); after a lost answer or a 5xx it is kept, and the
 * merge is tried again at the next page load. Signing in succeeds either way.
 */
function mergeGuestCart(accessToken?: string): Promise<boolean> {
  // One merge at a time: sign-in and the page-load retry can both ask, and the guest cart must be folded in once.
  merging ??= mergeOnce(accessToken).finally(() => {
    merging = null;
  });
  return merging;
}

let merging: Promise<boolean> | null = null;

async function mergeOnce(accessToken?: string): Promise<boolean> {
  const cartId = getGuestCartId();
  if (!cartId) return false;
  try {
    const headers = accessToken ? { Authorization: `Bearer ${accessToken}` } : undefined;
    const merged = await unwrap(cartApi.POST('/api/v1/cart/merge', { body: { cartId }, headers }));
    setGuestCartId(null);
    // A cart service older than this release answers without the lines it left out.
    const leftOut: LeftOutLine[] | undefined = merged.leftOut;
    if (leftOut && leftOut.length > 0) setLeftOut(leftOut);
    return true;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 400 || error.status === 404)) setGuestCartId(null);
    return false;
  }
}

/** Everything cached but the public catalog, which reads the same for every visitor and signed-in user. */
function isPrivateQuery(query: Query): boolean {
  return !['categories', 'products', 'product', 'reviews', 'suggest'].includes(String(query.queryKey[0]));
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribe, getSession, getSession);
  const [ready, setReady] = useState(session !== null);
  const queryClient = useQueryClient();
  const userId = session?.user.id ?? null;

  // Whenever the signed-in user changes (sign-in, sign-out, a session that ended on its own), nothing cached for the
  // previous one may show: orders, cart, account.
  const previousUser = useRef(userId);
  useEffect(() => {
    const previous = previousUser.current;
    previousUser.current = userId;
    // Signing in (nobody → someone) keeps what a guest saw; a change away from a signed-in user resets everything
    // but the public catalog (pages on screen fetch again, as the new user or as a guest).
    if (previous === null || previous === userId) return;
    setLeftOut([]); // the lines a merge left out were the previous user's
    void queryClient.resetQueries({ predicate: isPrivateQuery });
  }, [userId, queryClient]);

  // A merge that failed earlier (the cart service was away) is retried once the user is known.
  useEffect(() => {
    if (!ready || !userId) return;
    void mergeGuestCart().then(async (merged) => {
      if (!merged) return;
      // A cart read already in flight started before the merge: drop it, or the refetch would reuse it.
      await queryClient.cancelQueries({ queryKey: ['cart'] });
      await queryClient.invalidateQueries({ queryKey: ['cart'] });
    });
  }, [ready, userId, queryClient]);

  useEffect(() => {
    if (ready) return;
    restoring ??= mayHaveSession() ? refreshSession() : Promise.resolve(null);
    let live = true;
    void restoring.finally(() => {
      if (live) setReady(true);
    });
    return () => {
      live = false;
    };
  }, [ready]);

  const value = useMemo<AuthContextValue>(() => {
    const roles = new Set(session?.user.roles ?? []);
    // The guest cart is merged with the new token before the session is published: were the session set first,
    // the header would already ask for the customer's cart and could read it before the merge lands.
    const startSession = async (response: AuthResponse) => {
      setLeftOut([]); // whatever an earlier sign-in's merge left out in this tab was someone else's, or is old news
      await mergeGuestCart(response.accessToken);
      setSession(response);
      await queryClient.invalidateQueries({ predicate: isPrivateQuery });
      return response.user;
    };
    return {
      ready,
      session,
      user: session?.user ?? null,
      hasRole: (role) => roles.has(role) || (role === 'support' && roles.has('admin')),
      signIn: async (email, password) => {
        const response = await unwrap(identityApi.POST('/api/v1/auth/login', { body: { email, password } }));
        return startSession(response);
      },
      register: async (email, password, displayName) => {
        await unwrap(identityApi.POST('/api/v1/auth/register', { body: { email, password, displayName } }));
        const response = await unwrap(identityApi.POST('/api/v1/auth/login', { body: { email, password } }));
        return startSession(response);
      },
      signOut: async () => {
        try {
          await identityApi.POST('/api/v1/auth/logout');
        } finally {
          setSession(null);
          queryClient.clear();
        }
      },
    };
  }, [ready, session, queryClient]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}
