import { useMemo, useSyncExternalStore } from 'react';
import { Link, useNavigate } from 'react-router';
import { leftOutSnapshot, parseLeftOut, setLeftOut, subscribeLeftOut } from '../../api/cartId';
import { useAuth } from '../../auth/auth';
import { ActionButton, DataTable, Empty, ErrorState, FormError, Loading, Money, PageTitle, StaleNotice } from '../../components/ui';
import { formatOptions } from '../../format';
import { useCart, useCartActions, type Cart, type CartLine } from '../../shop/cart';

export function CartPage() {
  const cart = useCart();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  // As QueryView: only a cart never read stops the page; a later read that fails leaves it, with a note.
  if (cart.data === undefined) return <ErrorState error={cart.error} retry={() => void cart.refetch()} />;
  if (!cart.data || cart.data.lines.length === 0) {
    return (
      <>
        <PageTitle>Your cart</PageTitle>
        <Empty action={<Link className="button" to="/">Start shopping</Link>}>Your cart is empty.</Empty>
      </>
    );
  }
  return (
    <>
      {cart.isError && <StaleNotice error={cart.error} retry={() => void cart.refetch()} />}
      <LeftOutNotice />
      <CartView cart={cart.data} />
    </>
  );
}

/** Guest lines that did not fit when signing in merged them into the customer's full cart. */
function LeftOutNotice() {
  // Subscribed: a merge that ends after the page has loaded (a retried sign-in) may store lines while it shows,
  // without changing the cart.
  const stored = useSyncExternalStore(subscribeLeftOut, leftOutSnapshot);
  const lines = useMemo(() => parseLeftOut(stored), [stored]);
  if (lines.length === 0) return null;
  const dismiss = () => setLeftOut([]);
  return (
    <div className="notice" role="status">
      <p>
        {lines.length === 1 ? 'One item' : `${lines.length} items`} from the cart you filled before signing in did not fit: a cart holds
        at most 100 different items. Remove some and add these again: {lines.map((l) => `${l.sku} × ${l.quantity}`).join(', ')}.
      </p>
      <button type="button" className="button secondary small" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

function CartView({ cart }: { cart: Cart }) {
  const { user } = useAuth();
  const navigate = useNavigate();
  const { setQuantity, remove, clear } = useCartActions();
  // The error of the last thing the shopper did: an older failure stays hidden once something newer has worked.
  const latest = [setQuantity, remove, clear].reduce((a, b) => (b.submittedAt > a.submittedAt ? b : a));
  const error = latest.error;
  const currency = cart.currency ?? 'EUR';
  // No currency: catalog did not answer, no line has a price, and a subtotal of 0 would be wrong.
  const unpriced = cart.currency === null;

  return (
    <>
      <PageTitle
        actions={
          <ActionButton
            className="button secondary small"
            onAction={() => clear.mutate()}
            pending={clear.isPending}
            confirm="Remove every item from your cart?"
          >
            Empty cart
          </ActionButton>
        }
      >
        Your cart
      </PageTitle>
      <FormError error={error} />
      <DataTable caption="Items in your cart" columns={['Item', { label: 'Price', num: true }, 'Quantity', { label: 'Total', num: true }, { label: 'Remove', hidden: true }]}>
        {cart.lines.map((line) => (
          <Line
            key={line.sku}
            line={line}
            currency={currency}
            busy={setQuantity.isPending || remove.isPending || clear.isPending}
            onQuantity={(quantity) => setQuantity.mutate({ sku: line.sku, quantity })}
            onRemove={() => remove.mutate(line.sku)}
          />
        ))}
      </DataTable>
      <div className="totals">
        <dl>
          <dt>Items</dt>
          <dd>{cart.itemCount}</dd>
          <dt className="grand">Subtotal</dt>
          <dd className="grand">{unpriced ? '—' : <Money minor={cart.subtotal} currency={currency} />}</dd>
        </dl>
        <p className="muted">Shipping and tax are added at checkout.</p>
        {!cart.readyForCheckout && (
          <p className="cart-line-problem" role="status">
            Some items cannot be ordered as they are. Change or remove them to check out.
          </p>
        )}
        <button type="button" className="button" disabled={!cart.readyForCheckout} onClick={() => navigate('/checkout')}>
          {user ? 'Check out' : 'Sign in and check out'}
        </button>
      </div>
    </>
  );
}

interface LineProps {
  line: CartLine;
  /** the cart's: a line priced in another currency shows its own (and is flagged) */
  currency: string;
  busy: boolean;
  onQuantity: (quantity: number) => void;
  onRemove: () => void;
}

function Line({ line, currency, busy, onQuantity, onRemove }: LineProps) {
  const name = line.name ?? line.sku;
  const options = formatOptions(line.options);
  return (
    <tr>
      <td>
        {line.slug ? <Link to={`/p/${line.slug}`}>{name}</Link> : name}
        {options && <div className="muted">{options}</div>}
        {line.problem && <div className="cart-line-problem">{line.problem}</div>}
      </td>
      <td className="num">{line.unitPrice !== null ? <Money minor={line.unitPrice} currency={line.currency ?? currency} /> : '—'}</td>
      <td>
        <label className="visually-hidden" htmlFor={`qty-${line.sku}`}>
          Quantity of {name}
        </label>
        <select id={`qty-${line.sku}`} value={line.quantity} disabled={busy} onChange={(event) => onQuantity(Number(event.target.value))}>
          {Array.from({ length: 99 }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </td>
      <td className="num">{line.lineTotal !== null ? <Money minor={line.lineTotal} currency={line.currency ?? currency} /> : '—'}</td>
      <td>
        <button type="button" className="link-button" onClick={onRemove} disabled={busy} aria-label={`Remove ${name}`}>
          Remove
        </button>
      </td>
    </tr>
  );
}
