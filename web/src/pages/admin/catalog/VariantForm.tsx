import { useState, type FormEvent } from 'react';
import { Field, FormError, TextAreaField } from '../../../components/ui';
import { formatMoneyInput, parseMoney } from '../../../format';
import { fieldError } from '../../../api/problem';
import { formatKeyValues, parseKeyValues, parseWholeNumber } from '../forms';
import type { Variant } from '../types';

export interface VariantFormValues {
  sku: string;
  options: Record<string, string>;
  price: number;
  compareAtPrice: number | null;
  weightGrams: number;
  initialStock: number;
}

interface VariantFormProps {
  currency: string;
  /** the variant being edited; without it the form adds a new one */
  variant?: Variant;
  onSubmit: (values: VariantFormValues) => void;
  onCancel?: () => void;
  pending: boolean;
  error: unknown;
}

type Errors = Partial<Record<'sku' | 'options' | 'price' | 'compareAtPrice' | 'weightGrams' | 'initialStock', string>>;

export function VariantForm({ currency, variant, onSubmit, onCancel, pending, error }: VariantFormProps) {
  const editing = variant !== undefined;
  const [text, setText] = useState({
    sku: variant?.sku ?? '',
    options: formatKeyValues(variant?.options ?? {}),
    price: variant ? formatMoneyInput(variant.price, currency) : '',
    compareAtPrice: variant?.compareAtPrice != null ? formatMoneyInput(variant.compareAtPrice, currency) : '',
    weightGrams: String(variant?.weightGrams ?? 0),
    initialStock: '0',
  });
  const [errors, setErrors] = useState<Errors>({});
  const set = (name: keyof typeof text) => (event: { target: { value: string } }) => setText({ ...text, [name]: event.target.value });
  const show = (name: keyof Errors) => errors[name] ?? fieldError(error, name);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const options = parseKeyValues(text.options);
    const price = parseMoney(text.price, currency);
    const compareAtPrice = text.compareAtPrice.trim() ? parseMoney(text.compareAtPrice, currency) : null;
    const weightGrams = parseWholeNumber(text.weightGrams);
    const initialStock = parseWholeNumber(text.initialStock);
    const found: Errors = {};
    if (!editing && !text.sku.trim()) found.sku = 'Enter the SKU.';
    if (!options) found.options = 'Write one option per line as name=value, like size=42.';
    if (price === null) found.price = `Enter the price in ${currency}, like 19.99.`;
    if (text.compareAtPrice.trim() && compareAtPrice === null) found.compareAtPrice = `Enter the compare-at price in ${currency}, or leave it empty.`;
    if (weightGrams === null || weightGrams < 0) found.weightGrams = 'Enter the weight in whole grams.';
    if (!editing && (initialStock === null || initialStock < 0)) found.initialStock = 'Enter the starting stock as a whole number.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    onSubmit({
      sku: text.sku.trim(),
      options: options!,
      price: price!,
      compareAtPrice,
      weightGrams: weightGrams!,
      initialStock: initialStock ?? 0,
    });
  };

  return (
    <form className="form admin-panel" onSubmit={submit} aria-label={editing ? `Edit variant ${variant.sku}` : 'Add variant'} noValidate>
      <FormError error={error} />
      {!editing && <Field label="SKU" value={text.sku} onChange={set('sku')} maxLength={64} hint="Upper-case letters, digits, dashes or dots, like RUN-42-BLK." error={show('sku')} />}
      <TextAreaField label="Options (one name=value per line)" rows={3} value={text.options} onChange={set('options')} error={show('options')} />
      <div className="form-row">
        <Field label={`Price (${currency})`} inputMode="decimal" value={text.price} onChange={set('price')} error={show('price')} />
        <Field
          label={`Compare-at price (${currency})`}
          inputMode="decimal"
          value={text.compareAtPrice}
          onChange={set('compareAtPrice')}
          hint="Optional: the old price, shown struck through."
          error={show('compareAtPrice')}
        />
      </div>
      <div className="form-row">
        <Field label="Weight (grams)" inputMode="numeric" value={text.weightGrams} onChange={set('weightGrams')} error={show('weightGrams')} />
        {!editing && <Field label="Starting stock" inputMode="numeric" value={text.initialStock} onChange={set('initialStock')} error={show('initialStock')} />}
      </div>
      <div className="button-row">
        <button type="submit" className="button" disabled={pending}>
          {editing ? `Save variant ${variant.sku}` : 'Add variant'}
        </button>
        {onCancel && (
          <button type="button" className="button secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
