import { screen, waitFor } from '@testing-library/react';
import { authResponse, edgeProblem, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { AdjustmentHistory } from './catalog/AdjustmentHistory';
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

  it('sends an adjustment whose answer was lost again under the same key, after showing whether it was made', async () => {
    const made = { id: 'a1', sku, delta: 12, onHandAfter: 20, reason: 'Delivery', actor: 'admin', createdAt: '2025-05-01T10:00:00Z' };
    let answered = 0;
    let history: (typeof made)[] = [];
    const api = mockApi({
      [`GET /api/v1/admin/inventory/${sku}/adjustments`]: () => json(history),
      // The first adjustment is made but its answer is lost at the edge; the repeat gets catalog's first answer.
      [adjustments]: () => {
        history = [made];
        return ++answered === 1 ? edgeProblem(504) : json(made);
      },
    });
    const { user } = renderWithProviders(
      <>
        <StockAdjustForm sku={sku} />
        <AdjustmentHistory sku={sku} />
      </>,
      { session: authResponse({ roles: ['admin'] }) },
    );
    expect(await screen.findByText('No adjustments yet.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('Change in stock'), '12');
    await user.type(screen.getByLabelText('Reason'), 'Delivery');
    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('may still have been done');
    // The history is read again and shows the adjustment was made.
    expect(await screen.findByRole('cell', { name: 'Delivery' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
    expect(await screen.findByRole('status')).toHaveTextContent('on hand now 20');
    const [first, second] = api.callsTo(adjustments);
    expect(first?.request.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(second?.request.headers.get('Idempotency-Key')).toBe(first?.request.headers.get('Idempotency-Key'));
  });

  it('makes a new key for a different adjustment, and for the same one once the first was answered', async () => {
    const api = mockApi({
      [adjustments]: ({ body }) =>
        json({ id: 'a1', sku, ...(body as { delta: number; reason: string }), onHandAfter: 9, actor: 'admin', createdAt: '2025-05-01T10:00:00Z' }),
    });
    const { user } = renderForm();
    // Each send waits for its own answer, which empties the form (the previous one's notice may still be on screen).
    const send = async (delta: string, reason: string) => {
      await user.clear(screen.getByLabelText('Change in stock'));
      await user.type(screen.getByLabelText('Change in stock'), delta);
      await user.clear(screen.getByLabelText('Reason'));
      await user.type(screen.getByLabelText('Reason'), reason);
      await user.click(screen.getByRole('button', { name: 'Adjust stock' }));
      await waitFor(() => expect(screen.getByLabelText('Change in stock')).toHaveValue(''));
    };

    await send('5', 'Delivery');
    await send('5', 'Delivery');
    await send('-1', 'Breakage');
    const keys = api.callsTo(adjustments).map((call) => call.request.headers.get('Idempotency-Key'));
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
  });
});

