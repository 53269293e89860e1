import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { Field, FormError } from '../../../components/ui';
import { fieldError } from '../../../api/problem';
import { parseWholeNumber } from '../forms';
import { reloadWhenUnsure } from '../hooks';
import { adminKeys } from '../queryKeys';

/** The available count at or below which a SKU shows as low on stock. */
export function ThresholdForm({ sku, threshold }: { sku: string; threshold: number }) {
  const queryClient = useQueryClient();
  const [value, setValue] = useState(String(threshold));
  const [error, setError] = useState<string>();
  const changed = () => queryClient.invalidateQueries({ queryKey: adminKeys.stock });
  const save = useMutation({
    mutationFn: (lowStockThreshold: number) =>
      unwrap(catalogApi.PUT('/api/v1/admin/inventory/{sku}/threshold', { params: { path: { sku } }, body: { lowStockThreshold } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseWholeNumber(value);
    const problem = parsed === null || parsed < 0 ? 'Enter zero or a positive whole number.' : undefined;
    setError(problem);
    if (!problem) save.mutate(parsed!);
  };
  return (
    <form className="form" onSubmit={submit} aria-label={`Low-stock threshold of ${sku}`} noValidate>
      <FormError error={save.error} />
      <Field
        label="Low-stock threshold"
        inputMode="numeric"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        error={error ?? fieldError(save.error, 'lowStockThreshold')}
      />
      <button type="submit" className="button secondary" disabled={save.isPending}>
        Save threshold
      </button>
    </form>
  );
}
