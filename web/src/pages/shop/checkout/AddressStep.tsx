import { useRef, useState, type FormEvent } from 'react';
import { Field, SelectField, useFocusFirstInvalid } from '../../../components/ui';
import { countries, type Address } from '../../../shop/orders';

const required: (keyof Address)[] = ['name', 'line1', 'city', 'postalCode', 'country'];
const labels: Record<string, string> = { name: 'Full name', line1: 'Address', city: 'City', postalCode: 'Postal code', country: 'Country' };

export function validateAddress(address: Address): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of required) {
    if (!String(address[field] ?? '').trim()) errors[field] = `Enter your ${labels[field]!.toLowerCase()}.`;
  }
  if (address.country === 'US' && !address.region?.trim()) errors.region = 'Enter your state, like CA.';
  return errors;
}

interface Props {
  initial: Address;
  /** messages ordering gave for fields of this address, shown until the shopper continues again */
  serverErrors?: Record<string, string>;
  onDone: (address: Address) => void;
}

export function AddressStep({ initial, serverErrors = {}, onDone }: Props) {
  const [address, setAddress] = useState<Address>(initial);
  const [errors, setErrors] = useState<Record<string, string>>(serverErrors);
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstInvalid(form, errors);
  const set = (field: keyof Address) => (event: { target: { value: string } }) => setAddress({ ...address, [field]: event.target.value });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validateAddress(address);
    setErrors(found);
    if (Object.keys(found).length === 0) onDone({ ...address, region: address.region?.trim() || null, line2: address.line2?.trim() || null });
  };

  return (
    <form ref={form} onSubmit={submit} noValidate aria-labelledby="address-heading">
      <h2 id="address-heading">Shipping address</h2>
      {Object.keys(serverErrors).length > 0 && (
        <div className="form-error" role="alert">
          We cannot ship to this address as it is. Please check the highlighted fields.
        </div>
      )}
      <Field label="Full name" autoComplete="name" value={address.name} onChange={set('name')} error={errors.name} />
      <Field label="Address" autoComplete="address-line1" value={address.line1} onChange={set('line1')} error={errors.line1} />
      <Field label="Address line 2 (optional)" autoComplete="address-line2" value={address.line2 ?? ''} onChange={set('line2')} />
      <div className="form-row">
        <Field label="Postal code" autoComplete="postal-code" value={address.postalCode} onChange={set('postalCode')} error={errors.postalCode} />
        <Field label="City" autoComplete="address-level2" value={address.city} onChange={set('city')} error={errors.city} />
      </div>
      <div className="form-row">
        <SelectField label="Country" autoComplete="country" value={address.country} onChange={set('country')} error={errors.country}>
          {countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </SelectField>
        <Field label="State or region (if any)" autoComplete="address-level1" value={address.region ?? ''} onChange={set('region')} error={errors.region} />
      </div>
      <button type="submit" className="button">
        Continue to shipping
      </button>
    </form>
  );
}
