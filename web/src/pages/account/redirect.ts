// Where to go after signing in or registering: the `next` query parameter, when it names a page of this shop.
import { useSearchParams } from 'react-router';

/**
 * The same-site path `next` names, or "/" for anything else. Only a path starting with a single "/" qualifies, and
 * it must still resolve to this origin: that refuses "//evil.example" and "https://evil.example" as well as the
 * tricks browsers normalise into them ("/\evil.example", "/<tab>/evil.example").
 */
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//')) return '/';
  try {
    const origin = window.location.origin;
    const url = new URL(next, origin);
    return url.origin === origin ? url.pathname + url.search + url.hash : '/';
  } catch {
    return '/';
  }
}

/** This page's `next`, made safe: where to go once the shopper is signed in. */
export function useNextPath(): string {
  const [params] = useSearchParams();
  return safeNext(params.get('next'));
}

/** "?next=…" to carry the destination over to another account page, or "" when it is the home page. */
export function nextQuery(next: string): string {
  return next === '/' ? '' : `?next=${encodeURIComponent(next)}`;
}
