// The shopper's cart: the signed-in customer's own, or the guest cart this browser holds the id of.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cartApi, unwrap } from '../api/client';
import { getGuestCartId, setGuestCartId } from '../api/cartId';
import { ApiError, mayHaveBeenDone } from '../api/problem';
import type { components } from '../api/schema/cart';
import { useAuth } from '../auth/auth';

export type Cart = components['schemas']['CartDto'];
export type CartLine = components['schemas']['CartLineDto'];

/** A guest's request names the cart this browser holds (none yet: the service makes one); a customer's names none. */
function cartRequest(signedIn: boolean) {
  const sent = signedIn ? null : getGuestCartId();
  return { sent, headers: sent ? { 'Cart-Id': sent } : {} };
}

/**
 * Remembers the guest cart the service answered about (a new one is named in the body and the Cart-Id header), unless
 * another answer gave this browser a cart since the request was sent: an older read must not bring back the id of a
 * cart the service has replaced.
 */
function remember(cart: Cart, signedIn: boolean, sent: string | null): Cart {
  if (!signedIn && cart.cartId && getGuestCartId() === sent) setGuestCartId(cart.cartId);
  return cart;
}

export function useCartKey() {
  const { user } = useAuth();
  return ['cart', user?.id ?? 'guest'] as const;
}

export function useCart() {
  const { user, ready } = useAuth();
  const signedIn = user !== null;
  const queryKey = useCartKey();
  return useQuery({
    queryKey,
    enabled: ready,
    queryFn: async ({ signal }) => {
      if (!signedIn && !getGuestCartId()) return null; // no cart yet: nothing to ask for
      const { sent, headers } = cartRequest(signedIn);
      try {
        return remember(await unwrap(cartApi.GET('/api/v1/cart', { headers, signal })), signedIn, sent);
      } catch (error) {
        // A guest cart id the service cannot read: start afresh rather than show an error (unless a change has been
        // given another cart meanwhile).
        if (!signedIn && error instanceof ApiError && (error.status === 404 || error.status === 400)) {
          if (getGuestCartId() === sent) setGuestCartId(null);
          return null;
        }
        throw error;
      }
    },
  });
}

// Cart changes run one after another: two at once on a guest cart the service no longer has (expired, emptied) would
// each be given a new cart, and the line of the answer not kept would be lost.
const scope = { id: 'cart' };

export function useCartActions() {
  const { user } = useAuth();
  const signedIn = user !== null;
  const queryClient = useQueryClient();
  const key = useCartKey();
  // A change's answer is the cart as it now is. A read still in flight, sent before the change or while it was at
  // work, may answer with the cart as it was: it is stopped before the change's answer is shown, so it cannot land
  // over it.
  const settle = async (cart: Cart | null) => {
    await queryClient.cancelQueries({ queryKey: key });
    queryClient.setQueryData(key, cart);
  };
  // A change that fails reads the cart again when it may have been made all the same (timed out, connection lost): not
  // awaited, so the error shows and the next change goes out (the read replaces one still in flight).
  const reread = (error: unknown) => {
    if (mayHaveBeenDone(error)) void queryClient.invalidateQueries({ queryKey: key });
  };

  const setQuantity = useMutation({
    scope,
    mutationFn: async ({ sku, quantity }: { sku: string; quantity: number }) => {
      const { sent, headers } = cartRequest(signedIn);
      return remember(await unwrap(cartApi.PUT('/api/v1/cart/items/{sku}', { params: { path: { sku } }, body: { quantity }, headers })), signedIn, sent);
    },
    onSuccess: settle,
    onError: reread,
  });
  const remove = useMutation({
    scope,
    mutationFn: async (sku: string) => {
      const { sent, headers } = cartRequest(signedIn);
      return remember(await unwrap(cartApi.DELETE('/api/v1/cart/items/{sku}', { params: { path: { sku } }, headers })), signedIn, sent);
    },
    onSuccess: settle,
    onError: reread,
  });
  const clear = useMutation({
    scope,
    mutationFn: async () => {
      await unwrap(cartApi.DELETE('/api/v1/cart', { headers: cartRequest(signedIn).headers }));
      return null;
    },
    onSuccess: settle,
    onError: reread,
  });
  return { setQuantity, remove, clear };
}
