// The shopper's cart: the signed-in customer's own, or the guest cart this browser holds the id of.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { cartApi, unwrap } from '../api/client';
import { getGuestCartId, setGuestCartId } from '../api/cartId';
import { ApiError } from '../api/problem';
import type { components } from '../api/schema/cart';
import { useAuth } from '../auth/auth';

export type Cart = components['schemas']['CartDto'];
export type CartLine = components['schemas']['CartLineDto'];

const cartHeaders = (signedIn: boolean): Record<string, string> => {
  const id = signedIn ? null : getGuestCartId();
  return id ? { 'Cart-Id': id } : {};
};

/** Remembers the id of a new guest cart (the service names it in the body and the Cart-Id header). */
function remember(cart: Cart, signedIn: boolean): Cart {
  if (!signedIn && cart.cartId) setGuestCartId(cart.cartId);
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
    queryFn: async () => {
      if (!signedIn && !getGuestCartId()) return null; // no cart yet: nothing to ask for
      try {
        return remember(await unwrap(cartApi.GET('/api/v1/cart', { headers: cartHeaders(signedIn) })), signedIn);
      } catch (error) {
        // A guest cart that expired or was merged elsewhere: start afresh rather than show an error.
        if (!signedIn && error instanceof ApiError && (error.status === 404 || error.status === 400)) {
          setGuestCartId(null);
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
  const settle = (cart: Cart | null) => queryClient.setQueryData(key, cart);

  const setQuantity = useMutation({
    scope,
    mutationFn: async ({ sku, quantity }: { sku: string; quantity: number }) =>
      remember(
        await unwrap(
          cartApi.PUT('/api/v1/cart/items/{sku}', {
            params: { path: { sku } },
            body: { quantity },
            headers: cartHeaders(signedIn),
          }),
        ),
        signedIn,
      ),
    onSuccess: settle,
  });
  const remove = useMutation({
    scope,
    mutationFn: async (sku: string) =>
      remember(
        await unwrap(cartApi.DELETE('/api/v1/cart/items/{sku}', { params: { path: { sku } }, headers: cartHeaders(signedIn) })),
        signedIn,
      ),
    onSuccess: settle,
  });
  const clear = useMutation({
    scope,
    mutationFn: async () => {
      await unwrap(cartApi.DELETE('/api/v1/cart', { headers: cartHeaders(signedIn) }));
      return null;
    },
    onSuccess: settle,
  });
  return { setQuantity, remove, clear };
}
