import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { Field, FormError } from '../../../components/ui';
import { fieldError } from '../../../api/problem';
import { parseWholeNumber } from '../forms';
import { adminKeys } from '../queryKeys';
import { reloadWhenUnsure } from '../hooks';
import { useAttemptKey } from '../../../api/idempotency';

const minReasonLength = 3; // AdjustStockRequest's MinLength

interface Errors {
  delta?: string;
  reason?: string;
}

function validate(delta: string, reason: string): Errors {
  const errors: Errors = {};
  const value = parseWholeNumber(delta);
  if (value === null) errors.delta = 'Enter a whole number: positive adds stock, negative removes it.';
  else if (value === 0) errors.delta = 'An adjustment changes the count: enter a number other than zero.';
  if (!reason.trim()) errors.reason = 'Give the reason for the adjustment.';
  else if (reason.trim().length < minReasonLength) errors.reason = `Give a reason of at least ${minReasonLength} characters.`;
  return errors;
}

/** Moves a SKU's on-hand count up or down, with the reason that goes into its history. */
export function StockAdjustForm({ sku }: { sku: string }) {
  const queryClient = useQueryClient();
  const [delta, setDelta] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  // Sending the same adjustment again (its answer never came) reuses the key, so catalog moves the count once.
  const attempt = useAttemptKey();
  const reload = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: adminKeys.stock }),
      queryClient.invalidateQueries({ queryKey: adminKeys.adjustments(sku) }),
    ]);
  const adjust = useMutation({
    mutationFn: (body: { delta: number; reason: string }) =>
      unwrap(
        catalogApi.POST('/api/v1/admin/inventory/{sku}/adjustments', {
          params: { path: { sku }, header: { 'Idempotency-Key': attempt.keyFor(body) } },
          body,
        }),
      ),
    onSuccess: async () => {
      attempt.done();
      setDelta('');
      setReason('');
      await reload();
    },
    // The count and history show whether an adjustment whose answer was lost was made.
    onError: reloadWhenUnsure(reload),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate(delta, reason);
    setErrors(found);
    if (found.delta || found.reason) return;
    adjust.mutate({ delta: parseWholeNumber(delta)!, reason: reason.trim() });
  };

  return (
    <form className="form" onSubmit={submit} aria-label={`Adjust stock of ${sku}`} noValidate>
      <FormError error={adjust.error} />
      {adjust.isSuccess && (
        <p className="notice" role="status">
          Adjusted: {adjust.data.delta > 0 ? '+' : ''}
          {adjust.data.delta}, on hand now {adjust.data.onHandAfter}.
        </p>
      )}
      <Field
        label="Change in stock"
        inputMode="numeric"
        hint="For example 12 to add twelve units, −3 to remove three."
        value={delta}
        onChange={(e) => setDelta(e.target.value.replace('\u2212', '-'))}
        error={errors.delta ?? fieldError(adjust.error, 'delta')}
      />
      <Field
        label="Reason"
        value={reason}
        maxLength={200}
        onChange={(e) => setReason(e.target.value)}
        hint="Kept in the SKU's history, e.g. “Stock count 14 May” or “Damaged in warehouse”."
        error={errors.reason ?? fieldError(adjust.error, 'reason')}
      />
      <button type="submit" className="button" disabled={adjust.isPending}>
        Adjust stock
      </button>
    </form>
  );
}
