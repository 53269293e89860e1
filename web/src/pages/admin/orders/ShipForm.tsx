import { useState, type FormEvent } from 'react';
import { orderingApi, unwrap } from '../../../api/client';
import { Field, FormError } from '../../../components/ui';
import { fieldError } from '../../../api/problem';
import type { Order } from '../types';
import { useOrderAction } from './orders';

interface ShipValues {
  carrier: string;
  trackingNumber: string;
}

function validate({ carrier, trackingNumber }: ShipValues): Partial<ShipValues> {
  const errors: Partial<ShipValues> = {};
  if (!carrier.trim()) errors.carrier = 'Enter the carrier, like DHL.';
  if (trackingNumber.trim().length < 3) errors.trackingNumber = 'Enter the tracking number (at least 3 characters).';
  return errors;
}

/** Shipping captures the payment and e-mails the tracking number to the customer. */
export function ShipForm({ order }: { order: Order }) {
  const [values, setValues] = useState<ShipValues>({ carrier: '', trackingNumber: '' });
  const [errors, setErrors] = useState<Partial<ShipValues>>({});
  const ship = useOrderAction(order.id, (body: ShipValues) =>
    unwrap(orderingApi.POST('/api/v1/admin/orders/{id}/ship', { params: { path: { id: order.id } }, body })),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = validate(values);
    setErrors(found);
    if (found.carrier || found.trackingNumber) return;
    ship.mutate({ carrier: values.carrier.trim(), trackingNumber: values.trackingNumber.trim() });
  };
  return (
    <form className="form admin-panel" onSubmit={submit} aria-labelledby="ship-heading" noValidate>
      <h3 id="ship-heading">Ship</h3>
      <FormError error={ship.error} />
      <div className="form-row">
        <Field
          label="Carrier"
          value={values.carrier}
          maxLength={60}
          onChange={(e) => setValues({ ...values, carrier: e.target.value })}
          error={errors.carrier ?? fieldError(ship.error, 'carrier')}
        />
        <Field
          label="Tracking number"
          value={values.trackingNumber}
          maxLength={80}
          onChange={(e) => setValues({ ...values, trackingNumber: e.target.value })}
          error={errors.trackingNumber ?? fieldError(ship.error, 'trackingNumber')}
        />
      </div>
      <button type="submit" className="button" disabled={ship.isPending}>
        {ship.isPending ? 'Shipping…' : 'Mark as shipped'}
      </button>
    </form>
  );
}
