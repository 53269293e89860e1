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

export interface LeftOutLine {
  sku: string;
  quantity: number;
}

export function getLeftOut(): LeftOutLine[] {
  try {
    const stored = sessionStorage.getItem(leftOutKey);
    return stored ? (JSON.parse(stored) as LeftOutLine[]) : [];
  } catch {
    return [];
  }
}

export function setLeftOut(lines: LeftOutLine[]): void {
  try {
    if (lines.length > 0) sessionStorage.setItem(leftOutKey, JSON.stringify(lines));
    else sessionStorage.removeItem(leftOutKey);
  } catch {
    // storage disabled: nothing to show later
  }
}
