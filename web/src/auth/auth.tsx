// Who is signed in, for components: the session store (src/api/session.ts) as React state, plus the account actions
// that change it. A reload restores the session from identity's refresh cookie before protected pages decide.
import { createContext, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { cartApi, identityApi, unwrap } from '../api/client';
import { getGuestCartId, setGuestCartId } from '../api/cartId';
import { getSession, mayHaveSession, refreshSession, setSession, subscribe, type Session, type User } from '../api/session';

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

/** Folds the guest cart into the customer's; the guest id is forgotten only once the merge has succeeded. */
async function mergeGuestCart(): Promise<void> {
  const cartId = getGuestCartId();
  if (!cartId) return;
  try {
    await unwrap(cartApi.POST('/api/v1/cart/merge', { body: { cartId } }));
    setGuestCartId(null);
  } catch {
    // The guest cart may have expired (404) or the cart service is away: signing in still succeeds.
    setGuestCartId(null);
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const session = useSyncExternalStore(subscribe, getSession, getSession);
  const [ready, setReady] = useState(session !== null);
  const queryClient = useQueryClient();

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
    const afterSignIn = async (user: User) => {
      await mergeGuestCart();
      await queryClient.invalidateQueries();
      return user;
    };
    return {
      ready,
      session,
      user: session?.user ?? null,
      hasRole: (role) => roles.has(role) || (role === 'support' && roles.has('admin')),
      signIn: async (email, password) => {
        const response = await unwrap(identityApi.POST('/api/v1/auth/login', { body: { email, password } }));
        setSession(response);
        return afterSignIn(response.user);
      },
      register: async (email, password, displayName) => {
        await unwrap(identityApi.POST('/api/v1/auth/register', { body: { email, password, displayName } }));
        const response = await unwrap(identityApi.POST('/api/v1/auth/login', { body: { email, password } }));
        setSession(response);
        return afterSignIn(response.user);
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
