// The Idempotency-Key of a checkout lives with the attempt, not with the click: while the shopper retries the same
// order (double click, a timeout) every request carries the same key, so the server places the order once and
// answers the repeat with the first answer. A different address, method or card is a new attempt with a new key. An
// attempt stays in sessionStorage until it gets a final answer; one still there when another starts (its answer
// never came, the page was reloaded, the card changed since) may have placed an order, so the checkout asks ordering
// what it placed (earlierAttempt) before placing another.

import { newKey } from '../api/idempotency';

const storageKey = 'bazaar.checkoutAttempt';

interface Attempt {
  key: string;
  fingerprint: string;
  /** the cart it was for (cartSignature) */
  cart: string;
  /** when it was last sent (ms since the epoch); 0 once ordering answered it */
  startedAt?: number;
}

/**
 * How long a checkout request may still be at work after its answer was lost: the edge gives up on it within a minute (5 s to connect, 50 s to answer).
 * Until then, "no order with that key" may only mean "not yet".
 */
export const attemptMayStillRunForMs = 60_000;

/** The attempt when sessionStorage cannot hold it (disabled, or full): kept for as long as this page lives. */
let inMemory: Attempt | null = null;

/** What the cart holds, in a form that changes when its lines or quantities do. */
export function cartSignature(lines: readonly { sku: string; quantity: number }[]): string {
  return [...lines].map((l) => `${l.sku}×${l.quantity}`).sort().join(',');
}

function read(): Attempt | null {
  // Held in memory only while storage refuses writes; what storage holds then is older.
  if (inMemory) return inMemory;
  try {
    const stored = sessionStorage.getItem(storageKey);
    return stored ? (JSON.parse(stored) as Attempt) : null;
  } catch {
    return null;
  }
}

/** The key for placing this exact order: the stored one if the order is the same, else a new one (remembered). */
export function attemptKey(order: unknown, cart: string): string {
  const fingerprint = JSON.stringify(order);
  const stored = read();
  const same = stored?.fingerprint === fingerprint && stored.cart === cart;
  // Sent (again) now: a retry's request may be at work as long as the first one's.
  const attempt: Attempt = same ? { ...stored, startedAt: Date.now() } : { key: newKey(), fingerprint, cart, startedAt: Date.now() };
  write(attempt);
  return attempt.key;
}

/** Ordering answered the attempt's last request (a refusal it may be asked again about, such as a 503): none is at work. */
export function attemptAnswered(): void {
  const stored = read();
  if (stored) write({ ...stored, startedAt: 0 });
}

function write(attempt: Attempt): void {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(attempt));
    inMemory = null;
  } catch {
    inMemory = attempt; // storage disabled or full: the key still holds across retries within this page
  }
}

/**
 * The key of an attempt that got no final answer and is not this order (whose retry reuses its key and gets the
 * server's first answer instead): it may have placed an order, so ask before starting another. That holds for an
 * attempt for another cart too: an order on hold for review, or still being placed, keeps its lines in the cart until
 * it is confirmed, so a changed cart says nothing about it.
 */
export function earlierAttempt(order: unknown, cart: string): { key: string; startedAt: number } | null {
  const stored = read();
  if (!stored) return null;
  return stored.fingerprint !== JSON.stringify(order) || stored.cart !== cart ? { key: stored.key, startedAt: stored.startedAt ?? 0 } : null;
}

/** The attempt got a final answer (an order, or a refusal): the next checkout is a new attempt. */
export function endAttempt(): void {
  inMemory = null;
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // nothing stored
  }
}
