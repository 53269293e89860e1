// A postal address as it goes on a parcel: name, street lines, postcode and city (and region), country.
import type { components } from '../api/schema/ordering';

type Address = components['schemas']['Address'];

export function AddressBlock({ address }: { address: Address }) {
  return (
    <address>
      {address.name}
      <br />
      {address.line1}
      {address.line2 && (
        <>
          <br />
          {address.line2}
        </>
      )}
      <br />
      {address.postalCode} {address.city}
      {address.region ? `, ${address.region}` : ''}
      <br />
      {address.country}
    </address>
  );
}
