import { screen } from '@testing-library/react';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { StockAdjustForm } from './catalog/StockAdjustForm';

const sku = 'RUN-42-BLK';
const adjustments = `POST /api/v1/admin/inventory/${sku}/adjustments`;

function renderForm() {
  return renderWithProviders(<StockAdjustForm sku={sku} />, { session: authResponse({ roles: ['admin'] }) });
}

describe('StockAdjustForm', () => {
  it('requires a reason and a whole, non-zero change before asking the service', async () => {
    const api = mockApi({});
    const { user } = renderForm();

    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
    expect(screen.getByLabelText('Change in stock')).toHaveAccessibleDescription(/Enter a whole number/);
    expect(screen.getByLabelText('Reason')).toHaveAccessibleDescription(/Give the reason for the adjustment/);

    await user.type(screen.getByLabelText('Change in stock'), '0');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
    expect(screen.getByLabelText('Change in stock')).toHaveAccessibleDescription(/other than zero/);

    await user.clear(screen.getByLabelText('Change in stock'));
    await user.type(screen.getByLabelText('Change in stock'), '1.5');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
    expect(screen.getByLabelText('Change in stock')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Change in stock')).toHaveAccessibleDescription(/Enter a whole number/);

    expect(api.callsTo(adjustments)).toHaveLength(0);
  });

  it('sends a negative change with its reason and shows the new count', async () => {
    const api = mockApi({
      [`POST /api/v1/admin/inventory/:sku/adjustments`]: () =>
        json({ id: 'a1', sku, delta: -3, onHandAfter: 9, reason: 'Damaged in transit', actor: 'admin', createdAt: '2025-05-01T10:00:00Z' }),
    });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Change in stock'), '-3');
    await user.type(screen.getByLabelText('Reason'), '  Damaged in transit ');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));

    expect(await screen.findByRole('status')).toHaveTextContent('on hand now 9');
    expect(api.callsTo(adjustments)[0]?.body).toEqual({ delta: -3, reason: 'Damaged in transit' });
    expect(screen.getByLabelText('Change in stock')).toHaveValue('');
  });

  it("shows the service's field message next to its field", async () => {
    mockApi({
      [adjustments]: () =>
        problem(400, { title: 'One or more validation errors occurred.', errors: { Reason: ['The field Reason must be a string with a minimum length of 3.'] } }),
    });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Change in stock'), '5');
    await user.type(screen.getByLabelText('Reason'), 'Recount');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));

    const reason = screen.getByLabelText('Reason');
    expect(await screen.findByText('The field Reason must be a string with a minimum length of 3.', { selector: '.field-error' })).toBeInTheDocument();
    expect(reason).toHaveAttribute('aria-invalid', 'true');
    expect(reason).toHaveAccessibleDescription(/minimum length of 3/);
  });

  it('says why the service refused the whole adjustment', async () => {
    mockApi({
      [adjustments]: () => problem(409, { title: 'Conflict', detail: 'On hand cannot go below zero or below the units reserved by orders in checkout.' }),
    });
    const { user } = renderForm();

    await user.type(screen.getByLabelText('Change in stock'), '-500');
    await user.type(screen.getByLabelText('Reason'), 'Write-off');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('On hand cannot go below zero');
  });
});
