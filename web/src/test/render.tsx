// Renders a page as the app does (React Query, the auth provider, a router) for component tests.
import type { ReactElement } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { setSession, type AuthResponse, type User } from '../api/session';
import { AuthProvider, useAuth } from '../auth/auth';

export * from './api';

/** A customer as identity describes one; override what the test cares about. */
export function testUser(overrides: Partial<User> = {}): User {
  return {
    id: '0196a1b2-0000-7000-8000-000000000001',
    email: 'ada@example.com',
    displayName: 'Ada Lovelace',
    roles: ['customer'],
    locked: false,
    createdAt: '2025-01-15T10:00:00Z',
    ...overrides,
  };
}

/** What a successful sign-in answers: a quarter-hour access token for the user. */
export function authResponse(user: Partial<User> = {}): AuthResponse {
  const expiresAt = new Date(Date.now() + 15 * 60_000);
  return {
    accessToken: 'test-access-token',
    tokenType: 'Bearer',
    expiresIn: 900,
    expiresAt: expiresAt.toISOString(),
    user: testUser(user),
    refreshToken: null,
  };
}

export interface RenderOptions {
  /** the address the page opens at, e.g. "/sign-in?next=%2Fcart" */
  route?: string;
  /** who is signed in (see authResponse); nobody when left out */
  session?: AuthResponse | null;
  /** a route pattern such as "/orders/:id", for pages that read path parameters */
  path?: string;
}

export function renderWithProviders(ui: ReactElement, { route = '/', session = null, path }: RenderOptions = {}) {
  // The session store is module state: set it for every test so none inherits the previous one's sign-in.
  setSession(session);
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const current = { location: route, authReady: false };

  function AuthProbe() {
    current.authReady = useAuth().ready;
    return null;
  }

  function LocationProbe() {
    const location = useLocation();
    current.location = location.pathname + location.search + location.hash;
    return null;
  }

  const view = render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <AuthProbe />
        <MemoryRouter initialEntries={[route]}>
          {path ? (
            <Routes>
              <Route path={path} element={ui} />
              <Route path="*" element={null} />
            </Routes>
          ) : (
            ui
          )}
          <LocationProbe />
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  );

  return {
    ...view,
    user: userEvent.setup(),
    queryClient,
    /** where the router is now: path, query and hash */
    location: () => current.location,
    /**
     * Waits for the auth provider's session check (a refresh attempt when nobody is signed in). A test that asserts
     * without awaiting anything else awaits this first, so the check does not land after it, outside act().
     */
    settled: () => waitFor(() => expect(current.authReady).toBe(true)),
  };
}
