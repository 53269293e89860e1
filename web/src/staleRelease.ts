/**
 * After a deploy, a page loaded from the previous release asks the edge for chunks that are no longer there (the
 * edge answers 404). Vite reports that as `vite:preloadError`; the page then loads the new release instead of
 * failing on the next lazy route (the checkout, say). At most once a minute, so a chunk that is really broken shows
 * its error instead of reloading for ever.
 */
export const RELOADED_AT_KEY = 'bazaar:reloaded-for-release';
const MIN_INTERVAL_MS = 60_000;

export function reloadOnStaleRelease(
  target: Pick<Window, 'addEventListener'>,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  reload: () => void,
  now: () => number = Date.now,
): void {
  target.addEventListener('vite:preloadError', (event: Event) => {
    const last = Number(storage.getItem(RELOADED_AT_KEY) ?? 0);
    if (now() - last < MIN_INTERVAL_MS) return; // reloaded a moment ago: let the error show
    storage.setItem(RELOADED_AT_KEY, String(now()));
    event.preventDefault();
    reload();
  });
}
