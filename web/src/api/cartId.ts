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
