// Checkout in four steps: address, shipping method, payment, review. The order is placed once, however often the
// button is pressed or the request retried: see shop/checkoutAttempt.ts.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { orderingApi, unwrap } from '../../api/client';
import { ApiError } from '../../api/problem';
import { useAuth } from '../../auth/auth';
import { Empty, ErrorState, FormError, Loading, Money, PageTitle } from '../../components/ui';
import { useCart, useCartKey, type Cart } from '../../shop/cart';
import { attemptAnswered, attemptKey, attemptMayStillRunForMs, cartSignature, earlierAttempt, endAttempt } from '../../shop/checkoutAttempt';
import { failureSentence, placementFailed, type Address, type Order, type Quote } from '../../shop/orders';
import { AddressStep } from './checkout/AddressStep';
import { PaymentStep, type CardToken } from './checkout/PaymentStep';
import { ShippingStep } from './checkout/ShippingStep';

type Step = 'address' | 'shipping' | 'payment' | 'review';

/** "shippingAddress.postalCode" → "postalCode": ordering's field names for the address form's fields. */
function addressErrorsOf(error: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, messages] of Object.entries(error.problem.errors ?? {})) {
    const match = /^shippingaddress\.(\w+)$/i.exec(key);
    if (match && messages.length) out[match[1]!.charAt(0).toLowerCase() + match[1]!.slice(1)] = messages.join(' ');
  }
  return out;
}
const stepNames: Record<Step, string> = { address: 'Address', shipping: 'Shipping', payment: 'Payment', review: 'Review' };

export function CheckoutPage() {
  const cart = useCart();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  // As QueryView: only a cart never read stops the page; a later read that fails (isError, with the cart still at
  // hand) must not take away the checkout and what the shopper typed into it.
  if (cart.data === undefined) return <ErrorState error={cart.error} retry={() => void cart.refetch()} />;
  if (!cart.data || cart.data.lines.length === 0) {
    return <Empty action={<Link to="/">Continue shopping</Link>}>Your cart is empty, so there is nothing to check out.</Empty>;
  }
  if (!cart.data.readyForCheckout) {
    return <Empty action={<Link to="/cart">Review your cart</Link>}>Some items in your cart cannot be ordered as they are.</Empty>;
  }
  return <Checkout cart={cart.data} />;
}

export function Checkout({ cart }: { cart: Cart }) {
  const { user } = useAuth();
  const [step, setStep] = useState<Step>('address');
  const [address, setAddress] = useState<Address>({ name: user?.displayName ?? '', line1: '', line2: null, city: '', postalCode: '', region: null, country: 'DE' });
  const [method, setMethod] = useState<string | null>(null);
  const [card, setCard] = useState<CardToken | null>(null);
  const [declined, setDeclined] = useState<string>();
  const [addressErrors, setAddressErrors] = useState<Record<string, string>>({});

  // Each step replaces the form: put focus on the new step's heading so keyboard and screen reader users follow.
  const stepArea = useRef<HTMLDivElement>(null);
  const firstStep = useRef(true);
  useEffect(() => {
    if (firstStep.current) {
      firstStep.current = false;
      return;
    }
    const heading = stepArea.current?.querySelector('h2');
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }, [step]);

  const quote = useQuery<Quote>({
    queryKey: ['shipping-quote', address.country, address.region, cart.subtotal, cart.itemCount],
    enabled: step !== 'address',
    // While a changed cart is quoted again for the same address the review step stays, with the refusal that said why
    // (such as "The total changed"), and waits for the new total before an order can be placed. Another address starts
    // from nothing: its methods and prices are not the old ones.
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[1] === address.country && previousQuery.queryKey[2] === address.region ? previous : undefined,
    queryFn: ({ signal }) =>
      unwrap(
        orderingApi.GET('/api/v1/shipping/quote', {
          params: { query: { country: address.country, region: address.region ?? undefined } },
          signal,
        }),
      ),
  });

  return (
    <>
      <PageTitle>Checkout</PageTitle>
      <ol className="steps" aria-label="Checkout steps">
        {(Object.keys(stepNames) as Step[]).map((s) => (
          <li key={s} aria-current={s === step ? 'step' : undefined}>
            {stepNames[s]}
          </li>
        ))}
      </ol>
      <div className="checkout">
        <div ref={stepArea}>
          {step === 'address' && (
            <AddressStep
              initial={address}
              serverErrors={addressErrors}
              onDone={(next) => {
                setAddress(next);
                setAddressErrors({});
                setStep('shipping');
              }}
            />
          )}
          {step === 'shipping' && (
            <ShippingStep
              quote={quote}
              initial={method}
              onBack={() => setStep('address')}
              onDone={(next) => {
                setMethod(next);
                setStep('payment');
              }}
            />
          )}
          {step === 'payment' && (
            <PaymentStep
              declined={declined}
              onBack={() => setStep('shipping')}
              onDone={(token) => {
                setCard(token);
                setDeclined(undefined);
                setStep('review');
              }}
            />
          )}
          {step === 'review' && !quote.data && (quote.isError ? <ErrorState error={quote.error} retry={() => void quote.refetch()} /> : <Loading label="Working out shipping and tax…" />)}
          {step === 'review' && quote.data && method && card && (
            <ReviewStep
              cart={cartSignature(cart.lines)}
              quote={quote.data}
              updating={quote.isPlaceholderData}
              address={address}
              method={method}
              card={card}
              onEdit={setStep}
              onAddressRefused={(errors) => {
                setAddressErrors(errors);
                setStep('address');
              }}
              onDeclined={(message) => {
                setDeclined(message);
                setCard(null);
                setStep('payment');
              }}
            />
          )}
        </div>
        <Summary cart={cart} quote={step === 'address' ? undefined : quote.data} method={method} />
      </div>
    </>
  );
}

function Summary({ cart, quote, method }: { cart: Cart; quote?: Quote; method: string | null }) {
  const currency = cart.currency ?? quote?.currency ?? 'EUR';
  const chosen = quote?.methods.find((m) => m.method === method);
  // Once quoted, every figure is the quote's: ordering's own, as it will charge them now (and refuses to charge
  // anything else: the order carries the quoted total), not as the cart last showed.
  const subtotal = quote?.subtotal ?? cart.subtotal;
  const shipping = chosen?.price;
  const tax = chosen?.tax;
  return (
    <aside className="summary-box" aria-labelledby="summary-heading">
      <h2 id="summary-heading">Order summary</h2>
      <ul className="plain">
        {cart.lines.map((line) => (
          <li key={line.sku}>
            {line.quantity} × {line.name ?? line.sku}
          </li>
        ))}
      </ul>
      <div className="totals">
        <dl>
          <dt>Subtotal</dt>
          <dd>
            <Money minor={subtotal} currency={currency} />
          </dd>
          <dt>Shipping</dt>
          <dd>{shipping === undefined ? '—' : <Money minor={shipping} currency={currency} />}</dd>
          <dt>Tax{quote ? ` (${(quote.taxBasisPoints / 100).toLocaleString()} %)` : ''}</dt>
          <dd>{tax === undefined ? '—' : <Money minor={tax} currency={currency} />}</dd>
          {chosen && (
            <>
              <dt className="grand">Total</dt>
              <dd className="grand">
                <Money minor={chosen.total} currency={currency} />
              </dd>
            </>
          )}
        </dl>
      </div>
    </aside>
  );
}

interface ReviewProps {
  /** cartSignature of the cart being ordered */
  cart: string;
  quote: Quote;
  /** the quote is the previous one while the changed cart is quoted again: no order is placed at a total about to change */
  updating: boolean;
  address: Address;
  method: string;
  card: CardToken;
  onEdit: (step: Step) => void;
  /** ordering refused the address: its field messages, keyed like the address form's fields */
  onAddressRefused: (errors: Record<string, string>) => void;
  onDeclined: (message: string) => void;
}

/** Errors of the look-up of an earlier attempt: they say nothing about this attempt, which must not end with them. */
const lookupErrors = new WeakSet<object>();

/** An earlier attempt's order that still stands (not failed, not cancelled): the one to show instead of placing another. */
const standing = (order: Order) => !placementFailed(order) && order.status !== 'cancelled';

function ReviewStep({ cart, address, method, card, quote, updating, onEdit, onAddressRefused, onDeclined }: ReviewProps) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const cartKey = useCartKey();
  // The total shown goes with the order: ordering charges it or refuses (422, "The total changed") when the cart or a
  // price changed since the quote was read; the refusal reads the cart and the quote again.
  const chosen = quote.methods.find((m) => m.method === method);
  const expectedTotal = chosen?.total ?? null;
  const order = { shippingAddress: address, shippingMethod: method, paymentToken: card.token, billingCountry: null, expectedTotal };

  const place = useMutation({
    mutationFn: async (): Promise<Order> => {
      // An earlier attempt whose answer never came may have placed an order: show that one rather than place another.
      // A 404 says no order exists with that key now; a first request still at work (its answer lost, not its
      // request) may place one within the next minute, so until then nothing else is placed.
      const earlier = earlierAttempt(order, cart);
      if (earlier) {
        let found: Order | null = null;
        try {
          found = await unwrap(orderingApi.GET('/api/v1/orders/attempts/{key}', { params: { path: { key: earlier.key } } }));
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 404)) {
            if (error instanceof Object) lookupErrors.add(error);
            throw error; // not known yet: place nothing meanwhile
          }
          if (Date.now() - earlier.startedAt < attemptMayStillRunForMs) {
            const pending = new ApiError(409, {
              title: 'Your earlier order may still be going through',
              detail: 'Your earlier attempt may still be placing an order. Wait a minute, then press Place order again: we will show that order if it went through.',
            });
            lookupErrors.add(pending);
            throw pending;
          }
        }
        if (found && standing(found)) return found;
        endAttempt(); // it placed nothing, or nothing that stands
      }
      return unwrap(orderingApi.POST('/api/v1/orders', { params: { header: { 'Idempotency-Key': attemptKey(order, cart) } }, body: order }));
    },
    onSuccess: (placed: Order) => {
      endAttempt();
      void queryClient.invalidateQueries({ queryKey: cartKey });
      void queryClient.invalidateQueries({ queryKey: ['orders'] });
      if (placed.status === 'payment_failed') onDeclined(failureSentence(placed));
      else if (placed.status === 'rejected') navigate(`/orders/${placed.id}`, { replace: true });
      else navigate(`/orders/${placed.id}?placed=1`, { replace: true });
    },
    onError: (error) => {
      // A refusal ordering decided (400, 422: recorded for the key) ends the attempt. Anything else keeps the key so the
      // retry cannot create a second order: a lost connection, a 5xx, "still processing" (409), or a request turned
      // away before ordering saw it (401 after the session ended, 403, 408, 429).
      if (error instanceof ApiError && (error.status === 400 || error.status === 422) && !lookupErrors.has(error)) endAttempt();
      // A request turned away (401, 403, 408, 429) or refused as unavailable (503) is over; one "still being
      // processed" (409), or one the edge gave up waiting for (502, 504), may still be at work.
      else if (error instanceof ApiError && !lookupErrors.has(error) && [401, 403, 408, 429, 503].includes(error.status)) attemptAnswered();
      // The address is on the first step: take the shopper there, with each message next to its field.
      const addressFields = error instanceof ApiError ? addressErrorsOf(error) : {};
      if (Object.keys(addressFields).length) onAddressRefused(addressFields);
      // A card token ordering no longer knows: back to the payment step, to enter the card again.
      else if (error instanceof ApiError && error.status === 400 && error.fields.paymenttoken) onDeclined(error.fields.paymenttoken);
      // The cart no longer holds what can be ordered (items no longer sold, an empty cart), or the total changed: read
      // the cart and the quote again, so the summary shows what the next attempt will cost.
      if (error instanceof ApiError && error.status === 422) {
        void queryClient.invalidateQueries({ queryKey: cartKey });
        void queryClient.invalidateQueries({ queryKey: ['shipping-quote'] });
      }
    },
  });
  const methodName = chosen?.name ?? method;

  return (
    <section aria-labelledby="review-heading">
      <h2 id="review-heading">Review your order</h2>
      <dl>
        <dt>Ship to</dt>
        <dd>
          {address.name}, {address.line1}
          {address.line2 ? `, ${address.line2}` : ''}, {address.postalCode} {address.city}
          {address.region ? `, ${address.region}` : ''}, {address.country}{' '}
          <button type="button" className="link-button" disabled={place.isPending} onClick={() => onEdit('address')}>
            Change address
          </button>
        </dd>
        <dt>Shipping</dt>
        <dd>
          {methodName}{' '}
          <button type="button" className="link-button" disabled={place.isPending} onClick={() => onEdit('shipping')}>
            Change shipping
          </button>
        </dd>
        <dt>Payment</dt>
        <dd>
          {card.brand} ending in {card.last4}{' '}
          <button type="button" className="link-button" disabled={place.isPending} onClick={() => onEdit('payment')}>
            Change card
          </button>
        </dd>
      </dl>
      <FormError error={place.error} />
      {place.error instanceof ApiError && place.error.status === 422 && (
        <p>
          <Link to="/cart">Review your cart</Link>
        </p>
      )}
      <button type="button" className="button" disabled={place.isPending || updating} onClick={() => place.mutate()}>
        {place.isPending ? 'Placing your order…' : updating ? 'Updating the total…' : 'Place order'}
      </button>
    </section>
  );
}
