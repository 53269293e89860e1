// The card goes only to the sandbox provider's tokenisation endpoint; the order carries the token, never the number.
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { paymentsApi, unwrap } from '../../../api/client';
import { ApiError } from '../../../api/problem';
import type { components } from '../../../api/schema/payments';
import { Field, FormError, useFocusFirstInvalid } from '../../../components/ui';

export type CardToken = components['schemas']['SandboxToken'];

export interface CardInput {
  number: string;
  expiry: string; // MM/YY
  cvc: string;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

/** Field messages for a card as typed; empty when it is worth sending to the provider. */
export function validateCard(card: CardInput, now = new Date()): Record<string, string> {
  const errors: Record<string, string> = {};
  const digits = card.number.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits) || !luhn(digits)) errors.number = 'Enter a valid card number.';
  const match = /^(\d{2})\s*\/\s*(\d{2})$/.exec(card.expiry.trim());
  const month = match ? Number(match[1]) : 0;
  const year = match ? 2000 + Number(match[2]) : 0;
  if (!match || month < 1 || month > 12) errors.expiry = 'Enter the expiry date as MM/YY.';
  else if (year < now.getFullYear() || (year === now.getFullYear() && month < now.getMonth() + 1)) errors.expiry = 'This card has expired.';
  if (!/^\d{3,4}$/.test(card.cvc.trim())) errors.cvc = 'Enter the 3 or 4 digit security code.';
  return errors;
}

interface Props {
  declined?: string;
  onBack: () => void;
  onDone: (token: CardToken) => void;
}

export function PaymentStep({ declined, onBack, onDone }: Props) {
  const [card, setCard] = useState<CardInput>({ number: '', expiry: '', cvc: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const tokenize = useMutation({
    mutationFn: () => {
      const [month = '0', year = '0'] = card.expiry.split('/').map((part) => part.trim());
      return unwrap(
        paymentsApi.POST('/api/v1/payments/sandbox/tokens', {
          body: { number: card.number.replace(/[\s-]/g, ''), expMonth: Number(month), expYear: 2000 + Number(year), cvc: card.cvc.trim() },
        }),
      );
    },
    onSuccess: onDone,
  });
  // The provider's field messages, once per answer (a new object each render would pull the focus back while typing).
  const server = useMemo(() => (tokenize.error instanceof ApiError ? tokenize.error.fields : {}), [tokenize.error]);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);
  useFocusFirstInvalid(form, server); // a field the provider refused gets the focus too, so its message is read out

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateCard(card);
    setErrors(found);
    if (Object.keys(found).length === 0) tokenize.mutate();
  };
  const set = (field: keyof CardInput) => (event: { target: { value: string } }) => setCard({ ...card, [field]: event.target.value });

  return (
    <form ref={form} onSubmit={submit} noValidate aria-labelledby="payment-heading">
      <h2 id="payment-heading">Payment</h2>
      {declined && (
        <div className="form-error" role="alert">
          {declined}
        </div>
      )}
      <p className="muted">This shop uses the sandbox card network: use a test card such as 4242 4242 4242 4242, any future date and any CVC.</p>
      <FormError error={Object.keys(server).length ? null : tokenize.error} />
      <Field
        label="Card number"
        inputMode="numeric"
        autoComplete="cc-number"
        value={card.number}
        onChange={set('number')}
        error={errors.number ?? server.number}
      />
      <div className="form-row">
        <Field label="Expiry (MM/YY)" autoComplete="cc-exp" placeholder="MM/YY" value={card.expiry} onChange={set('expiry')} error={errors.expiry ?? server.expmonth ?? server.expyear} />
        <Field label="Security code" inputMode="numeric" autoComplete="cc-csc" value={card.cvc} onChange={set('cvc')} error={errors.cvc ?? server.cvc} />
      </div>
      <div className="page-actions">
        <button type="button" className="button secondary" onClick={onBack}>
          Back
        </button>
        <button type="submit" className="button" disabled={tokenize.isPending}>
          {tokenize.isPending ? 'Checking card…' : 'Review order'}
        </button>
      </div>
    </form>
  );
}
