import { screen } from '@testing-library/react';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { ShipForm } from './orders/ShipForm';
import { testOrder } from './testFixtures';

const order = testOrder({ status: 'confirmed' });
const ship = `POST /api/v1/admin/orders/${order.id}/ship`;

function renderForm() {
  return renderWithProviders(<ShipForm order={order} />, { session: authResponse({ roles: ['admin'] }) });
}

describe('ShipForm', () => {
  it('asks for the carrier and a tracking number first', async () => {
    const api = mockApi({});
    const { user } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Mark as shipped' }));

    expect(screen.getByLabelText('Carrier')).toHaveAccessibleDescription('Enter the carrier, like DHL.');
    expect(screen.getByLabelText('Tracking number')).toHaveAccessibleDescription(/Enter the tracking number/);
    expect(api.callsTo(ship)).toHaveLength(0);
  });

  it('sends the trimmed carrier and tracking number, and is disabled while it waits', async () => {
    let answer: (response: Response) => void = () => {};
    const api = mockApi({ [ship]: () => new Promise<Response>((resolve) => (answer = resolve)) });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Carrier'), ' DHL ');
    await user.type(screen.getByLabelText('Tracking number'), 'JD0146000034');
    await user.click(screen.getByRole('button', { name: 'Mark as shipped' }));

    expect(await screen.findByRole('button', { name: 'Shipping…' })).toBeDisabled();
    expect(api.callsTo(ship)[0]?.body).toEqual({ carrier: 'DHL', trackingNumber: 'JD0146000034' });

    answer(json({ ...order, status: 'shipped', carrier: 'DHL', trackingNumber: 'JD0146000034' }));
    expect(await screen.findByRole('button', { name: 'Mark as shipped' })).toBeEnabled();
  });

  it("shows the service's refusal next to the form", async () => {
    mockApi({ [ship]: () => problem(409, { title: 'Conflict', detail: 'Only a confirmed order can be shipped.' }) });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Carrier'), 'DHL');
    await user.type(screen.getByLabelText('Tracking number'), 'JD0146000034');
    await user.click(screen.getByRole('button', { name: 'Mark as shipped' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Only a confirmed order can be shipped.');
  });
});
