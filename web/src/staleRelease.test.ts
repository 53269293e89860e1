import { describe, expect, it, vi } from 'vitest';
import { RELOADED_AT_KEY, reloadOnStaleRelease } from './staleRelease';

function setUp(start: number) {
  const target = new EventTarget();
  const stored = new Map<string, string>();
  const storage = { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) };
  const reload = vi.fn();
  let clock = start;
  reloadOnStaleRelease(target as unknown as Window, storage, reload, () => clock);
  const fail = () => {
    const event = new Event('vite:preloadError', { cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  };
  return { stored, reload, fail, advance: (ms: number) => (clock += ms) };
}

describe('reloadOnStaleRelease', () => {
  it('reloads the page when a chunk of the previous release is gone', () => {
    const { stored, reload, fail } = setUp(1_000_000);
    expect(fail()).toBe(true);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(stored.get(RELOADED_AT_KEY)).toBe('1000000');
  });

  it('lets the error show when it reloaded less than a minute ago, and reloads again after that', () => {
    const { reload, fail, advance } = setUp(1_000_000);
    fail();
    advance(59_000);
    expect(fail()).toBe(false);
    expect(reload).toHaveBeenCalledTimes(1);
    advance(2_000);
    expect(fail()).toBe(true);
    expect(reload).toHaveBeenCalledTimes(2);
  });
});
