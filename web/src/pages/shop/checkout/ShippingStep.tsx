import { useState, type FormEvent } from 'react';
import { ErrorState, Loading, Money } from '../../../components/ui';
import type { Quote } from '../../../shop/orders';
import type { UseQueryResult } from '@tanstack/react-query';

interface Props {
  quote: UseQueryResult<Quote>;
  initial: string | null;
  onBack: () => void;
  onDone: (method: string) => void;
}

export function ShippingStep({ quote, initial, onBack, onDone }: Props) {
  const [method, setMethod] = useState<string | null>(initial);
  const [error, setError] = useState<string>();
  if (quote.isPending) return <Loading label="Finding shipping options…" />;
  if (quote.isError) return <ErrorState error={quote.error} retry={() => void quote.refetch()} />;
  const { methods, currency } = quote.data;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!method || !methods.some((m) => m.method === method)) setError('Choose how your order should be shipped.');
    else onDone(method);
  };

  return (
    <form onSubmit={submit} aria-labelledby="shipping-heading">
      <h2 id="shipping-heading">Shipping method</h2>
      {methods.length === 0 ? (
        <p className="form-error" role="alert">
          We do not ship to this address yet. Go back and choose another country.
        </p>
      ) : (
        <fieldset aria-describedby={error ? 'method-error' : undefined}>
          <legend>Delivery</legend>
          {methods.map((m) => (
            <label key={m.method} className="choice">
              <input
                type="radio"
                name="method"
                value={m.method}
                checked={method === m.method}
                aria-invalid={error ? true : undefined}
                onChange={() => {
                  setMethod(m.method);
                  setError(undefined);
                }}
              />
              <span>{m.name}</span> <span>{m.price === 0 ? 'Free' : <Money minor={m.price} currency={currency} />}</span>
            </label>
          ))}
          {error && (
            <p className="field-error" id="method-error" role="alert">
              {error}
            </p>
          )}
        </fieldset>
      )}
      <div className="page-actions">
        <button type="button" className="button secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="button" disabled={methods.length === 0}>
          Continue to payment
        </button>
      </div>
    </form>
  );
}
