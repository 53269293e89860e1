import type { components } from './schema/cart';

// A guest's cart is named by the id the cart service handed out (Cart-Id header). It is kept in this browser so the
// cart survives reloads, and forgotten once it has been merged into a signed-in customer's cart.
const key = 'bazaar.cartId';

export function getGuestCartId(): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function setGuestCartId(id: string | null): void {
  try {
    if (id) localStorage.setItem(key, id);
    else localStorage.removeItem(key);
  } catch {
    // storage disabled: the cart lives for this page only
  }
}

// Guest lines a sign-in merge left out (the customer's cart was already at its limit), kept for this tab until the
// shopper has seen them on the cart page.
const leftOutKey = 'bazaar.cartLeftOut';

export type LeftOutLine = components['schemas']['CartLine'];

/** The stored lines as text: a stable snapshot for `useSyncExternalStore` (equal while nothing changed). */
export function leftOutSnapshot(): string | null {
  try {
    return sessionStorage.getItem(leftOutKey);
  } catch {
    return null;
  }
}

export function parseLeftOut(stored: string | null): LeftOutLine[] {
  try {
    return stored ? (JSON.parse(stored) as LeftOutLine[]) : [];
  } catch {
    return [];
  }
}

export function getLeftOut(): LeftOutLine[] {
  return parseLeftOut(leftOutSnapshot());
}

const leftOutListeners = new Set<() => void>();

/** Called after every change of the stored lines, so a cart page already showing hears of a merge that ends later. */
export function subscribeLeftOut(listener: () => void): () => void {
  leftOutListeners.add(listener);
  return () => leftOutListeners.delete(listener);
}

export function setLeftOut(lines: LeftOutLine[]): void {
  try {
    if (lines.length > 0) sessionStorage.setItem(leftOutKey, JSON.stringify(lines));
    else sessionStorage.removeItem(leftOutKey);
  } catch {
    // storage disabled: nothing to show later
  }
  leftOutListeners.forEach((listener) => listener());
}
