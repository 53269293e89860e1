import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useAuth } from '../auth/auth';

/** Signs out and goes home; the history entry is replaced, so Back cannot lead to a page that needs the session. */
export function SignOutButton({ className = 'button secondary' }: { className?: string }) {
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const [signingOut, setSigningOut] = useState(false);

  async function onClick() {
    setSigningOut(true);
    try {
      await signOut();
    } finally {
      navigate('/', { replace: true });
    }
  }

  return (
    <button type="button" className={className} disabled={signingOut} onClick={onClick}>
      {signingOut ? 'Signing out…' : 'Sign out'}
    </button>
  );
}
