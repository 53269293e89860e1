// Idempotency-Keys: a request that must take effect once (a checkout, a stock adjustment) carries a key made for the
// attempt, and every retry of that attempt sends the same key, so the service does it once and answers a repeat with
// what it did the first time.

import { useRef } from 'react';

/** A random UUID (v4). crypto.randomUUID exists only in secure contexts; plain-HTTP test setups still need keys. */
export function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The key of a form's submission: sending the same thing again (after an answer that never came, or a double
 * submit) reuses the key, so it is done once; anything else, or the same thing after `done()`, gets a new one.
 */
export function useAttemptKey() {
  const attempt = useRef<{ key: string; fingerprint: string } | null>(null);
  return {
    keyFor(body: unknown): string {
      const fingerprint = JSON.stringify(body);
      if (attempt.current?.fingerprint !== fingerprint) attempt.current = { key: newKey(), fingerprint };
      return attempt.current.key;
    },
    /** The attempt got its answer: the next submission is a new one. */
    done(): void {
      attempt.current = null;
    },
  };
}
