import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Loading } from '../components/ui';
import { useAuth, type Role } from './auth';

/** Renders its children for a user with the role; sends everyone else to sign in, and back here afterwards. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { ready, user, hasRole } = useAuth();
  const location = useLocation();
  if (!ready) return <Loading label="Checking your session…" />;
  if (!user) {
    const back = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${back}`} replace />;
  }
  if (role !== 'customer' && !hasRole(role)) {
    return (
      <section className="state state-error" role="alert">
        <h1>Not allowed</h1>
        <p>Your account cannot open this page.</p>
      </section>
    );
  }
  return <>{children}</>;
}
