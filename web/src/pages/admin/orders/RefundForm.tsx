import { useId, useState, type FormEvent } from 'react';
import { orderingApi, unwrap } from '../../../api/client';
import { Field, FormError } from '../../../components/ui';
import { formatMoney, parseMoney } from '../../../format';
import { fieldError } from '../../../api/problem';
import type { Order } from '../types';
import { useOrderAction } from './orders';

/**
 * A full refund of what is left, or part of it. The limit shown is the order's; the payment service has the last
 * word on what was captured, and its refusal is shown as it words it. The refunded amount on screen goes with the
 * request: if the order's refunds changed since (a refund whose answer was lost, recorded meanwhile), ordering refuses
 * rather than refunding on stale figures.
 */
export function RefundForm({ order }: { order: Order }) {
  const id = useId();
  const remaining = order.total - order.refunded;
  const [mode, setMode] = useState<'full' | 'partial'>('full');
  const [amountText, setAmountText] = useState('');
  const [amountError, setAmountError] = useState<string>();
  const refund = useOrderAction(order.id, (amount: number | null) =>
    unwrap(orderingApi.POST('/api/v1/admin/orders/{id}/refund', { params: { path: { id: order.id } }, body: { amount, expectedRefunded: order.refunded } })),
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    let amount: number | null = null;
    if (mode === 'partial') {
      amount = parseMoney(amountText, order.currency);
      const problem = amount === null || amount === 0 ? `Enter the amount to refund in ${order.currency}, like 12.50.` : undefined;
      setAmountError(problem);
      if (problem) return;
    }
    const shown = formatMoney(amount ?? remaining, order.currency);
    if (!window.confirm(`Refund ${shown} to the customer's card? This cannot be undone.`)) return;
    refund.mutate(amount, { onSuccess: () => setAmountText('') });
  };

  return (
    <form className="form admin-panel" onSubmit={submit} aria-labelledby={`${id}-heading`} noValidate>
      <h3 id={`${id}-heading`}>Refund</h3>
      <FormError error={refund.error} />
      <fieldset>
        <legend>How much</legend>
        <label className="choice">
          <input type="radio" name={`${id}-mode`} checked={mode === 'full'} onChange={() => setMode('full')} /> Everything left:{' '}
          {formatMoney(remaining, order.currency)}
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-mode`} checked={mode === 'partial'} onChange={() => setMode('partial')} /> Part of it
        </label>
      </fieldset>
      {mode === 'partial' && (
        <Field
          label={`Amount to refund (${order.currency})`}
          inputMode="decimal"
          value={amountText}
          onChange={(e) => setAmountText(e.target.value)}
          hint={`At most ${formatMoney(remaining, order.currency)}.`}
          error={amountError ?? fieldError(refund.error, 'amount')}
        />
      )}
      <button type="submit" className="button danger" disabled={refund.isPending}>
        {refund.isPending ? 'Refunding…' : 'Refund'}
      </button>
    </form>
  );
}
