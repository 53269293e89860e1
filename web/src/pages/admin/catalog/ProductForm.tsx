import { useState, type FormEvent, type ReactNode } from 'react';
import { Field, FormError, SelectField, TextAreaField } from '../../../components/ui';
import { humanize } from '../../../format';
import { fieldError } from '../../../api/problem';
import { formatKeyValues, parseKeyValues } from '../forms';
import type { ProductDetail } from '../types';
import { CategorySelect } from './CategorySelect';
import { useAdminCategories } from './categories';
import { currencies, productStatuses } from './products';

export interface ProductFormValues {
  name: string;
  slug: string;
  brand: string;
  categoryId: string;
  status: string;
  currency: string;
  description: string;
  attributes: Record<string, string>;
}

export const emptyProduct: ProductFormValues = {
  name: '',
  slug: '',
  brand: '',
  categoryId: '',
  status: 'draft',
  currency: 'EUR',
  description: '',
  attributes: {},
};

export function productFormValues(product: ProductDetail): ProductFormValues {
  return {
    name: product.name,
    slug: product.slug,
    brand: product.brand,
    categoryId: product.category.id,
    status: product.status,
    currency: product.currency,
    description: product.description,
    attributes: product.attributes,
  };
}

interface ProductFormProps {
  initial: ProductFormValues;
  mode: 'create' | 'edit';
  onSubmit: (values: ProductFormValues) => void;
  pending: boolean;
  error: unknown;
  readOnly?: boolean;
  /** shown under the form-level error, e.g. a way to reload after a conflict */
  errorAction?: ReactNode;
  /** told after each change whether the inputs still match `initial` (false) or hold unsaved edits (true) */
  onDirtyChange?: (dirty: boolean) => void;
}

type FormText = Omit<ProductFormValues, 'attributes'> & { attributes: string };

function formText(values: ProductFormValues): FormText {
  return { ...values, attributes: formatKeyValues(values.attributes) };
}

/**
 * The product's details. The inputs start from `initial` and start over whenever the parent passes a different
 * `initial` object (memoize it): the parent decides when newer values may replace what is being typed.
 */
export function ProductForm({ initial, mode, onSubmit, pending, error, readOnly = false, errorAction, onDirtyChange }: ProductFormProps) {
  const categories = useAdminCategories();
  const [values, setValues] = useState(() => formText(initial));
  const [attributesError, setAttributesError] = useState<string>();
  const [startedFrom, setStartedFrom] = useState(initial);
  if (startedFrom !== initial) {
    setStartedFrom(initial);
    setValues(formText(initial));
    setAttributesError(undefined);
  }
  const set = (name: keyof FormText) => (event: { target: { value: string } }) => {
    const next = { ...values, [name]: event.target.value };
    setValues(next);
    if (onDirtyChange) {
      const start = formText(initial);
      onDirtyChange((Object.keys(start) as (keyof FormText)[]).some((key) => next[key] !== start[key]));
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const attributes = parseKeyValues(values.attributes);
    setAttributesError(attributes ? undefined : 'Write one attribute per line as name=value.');
    if (!attributes) return;
    onSubmit({ ...values, name: values.name.trim(), slug: values.slug.trim(), brand: values.brand.trim(), attributes });
  };

  return (
    <form className="form admin-form" onSubmit={submit}>
      <fieldset disabled={readOnly} className="plain-fieldset">
        <FormError error={error} />
        {error ? errorAction : null}
        <Field label="Name" value={values.name} onChange={set('name')} required maxLength={200} error={fieldError(error, 'name')} />
        <Field
          label="Slug"
          value={values.slug}
          onChange={set('slug')}
          required={mode === 'edit'}
          hint={mode === 'create' ? 'Optional: made from the name when left empty. Lower-case letters, digits and dashes.' : 'Changing it changes the product page address.'}
          error={fieldError(error, 'slug')}
        />
        <div className="form-row">
          <Field label="Brand" value={values.brand} onChange={set('brand')} maxLength={100} error={fieldError(error, 'brand')} />
          <CategorySelect
            label="Category"
            tree={categories.data ?? []}
            value={values.categoryId}
            onChange={set('categoryId')}
            required
            error={fieldError(error, 'categoryId')}
          />
        </div>
        <div className="form-row">
          <SelectField label="Status" value={values.status} onChange={set('status')} error={fieldError(error, 'status')}>
            {productStatuses.map((status) => (
              <option key={status} value={status}>
                {humanize(status)}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Currency"
            value={values.currency}
            onChange={set('currency')}
            disabled={mode === 'edit'}
            error={fieldError(error, 'currency')}
          >
            {currencies.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </SelectField>
        </div>
        <TextAreaField label="Description" rows={6} value={values.description} onChange={set('description')} maxLength={10000} error={fieldError(error, 'description')} />
        <TextAreaField
          label="Attributes (one name=value per line)"
          rows={4}
          value={values.attributes}
          onChange={set('attributes')}
          error={attributesError ?? fieldError(error, 'attributes')}
        />
        {!readOnly && (
          <button type="submit" className="button" disabled={pending}>
            {mode === 'create' ? 'Create product' : 'Save product'}
          </button>
        )}
      </fieldset>
    </form>
  );
}
