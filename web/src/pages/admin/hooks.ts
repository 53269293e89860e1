import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { ApiError, mayHaveBeenDone } from '../../api/problem';
import { useAuth } from '../../auth/auth';

/** Admins change things; support staff see the same pages read-only (the services enforce it too). */
export function useCanEdit(): boolean {
  return useAuth().hasRole('admin');
}

/**
 * A back-office change's onError: reloads what it changes when the page may no longer show it as it is. That is after
 * a refusal because it changed meanwhile (409: someone saved; 404: someone deleted it), so the page shows the other
 * change, and an edit form opened again starts from the current version (one still open keeps the version it opened
 * with, and is refused again); after a failure that may have been done anyway (mayHaveBeenDone), so the page shows
 * whether it was before the person tries again; and after any of the statuses in `alsoAfter`. Not awaited: the
 * failure shows at once.
 */
export function reloadWhenUnsure(reload: () => unknown, alsoAfter: readonly number[] = []): (error: unknown) => void {
  return (error) => {
    const status = error instanceof ApiError ? error.status : undefined;
    if (status === 404 || status === 409 || (status !== undefined && alsoAfter.includes(status)) || mayHaveBeenDone(error)) void reload();
  };
}

/**
 * A list's filters, kept in the address so a filtered view can be linked to and survives a reload. Empty values are
 * dropped from the address.
 */
export function useSearchFilters<Name extends string>(names: readonly Name[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(names.map((name) => [name, params.get(name) ?? ''])) as Record<Name, string>;
  const apply = (changes: Partial<Record<Name, string>>) =>
    setParams(
      (previous) => {
        const next = new URLSearchParams(previous);
        for (const name of names) {
          const value = changes[name]?.trim() ?? '';
          if (value) next.set(name, value);
          else next.delete(name);
        }
        return next;
      },
      { replace: true },
    );
  return { values, apply, key: params.toString() };
}

/**
 * Cursor paging: the trail of cursors that led to the current page, so "Previous" can go back. The trail starts over
 * whenever resetKey (the filters) changes.
 */
export function useCursorPager(resetKey: string) {
  const [state, setState] = useState<{ key: string; trail: string[] }>({ key: resetKey, trail: [] });
  const trail = state.key === resetKey ? state.trail : [];
  return {
    cursor: trail.at(-1),
    page: trail.length + 1,
    next: (cursor: string) => setState({ key: resetKey, trail: [...trail, cursor] }),
    previous: () => setState({ key: resetKey, trail: trail.slice(0, -1) }),
  };
}

export type CursorPagerState = ReturnType<typeof useCursorPager>;
