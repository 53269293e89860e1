import { screen } from '@testing-library/react';
import { authResponse, edgeProblem, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { OrderNotes } from './orders/OrderNotes';
import { adminKeys } from './queryKeys';

const orderId = '0196c0de-0000-7000-8000-000000000001';
const note = { at: '2025-05-01T10:00:00Z', actor: 'admin', detail: 'Customer called about the delivery' };

function renderNotes(addNote: () => Response, notes: () => (typeof note)[]) {
  const api = mockApi({
    'GET /api/v1/admin/orders/:id/notes': () => json(notes()),
    'POST /api/v1/admin/orders/:id/notes': addNote,
  });
  const view = renderWithProviders(<OrderNotes orderId={orderId} />, { session: authResponse({ roles: ['admin'] }) });
  return { api, ...view };
}

describe('OrderNotes', () => {
  it('reads the notes again after an answer that never came, so the note is not added twice', async () => {
    let stored: (typeof note)[] = [];
    const { api, user } = renderNotes(
      () => {
        stored = [note]; // added, but the edge gave up waiting for the answer
        return edgeProblem(504);
      },
      () => stored,
    );
    expect(await screen.findByText('No notes yet.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('New internal note'), note.detail);
    await user.click(screen.getByRole('button', { name: 'Add note' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('may still have been done');
    expect(await screen.findByRole('listitem')).toHaveTextContent(note.detail);
    expect(api.callsTo(`GET /api/v1/admin/orders/${orderId}/notes`)).toHaveLength(2);
  });

  it('does not read them again after a refusal', async () => {
    const { api, user, queryClient } = renderNotes(() => problem(400, { errors: { text: ['Keep the note under 2000 characters.'] } }), () => []);
    expect(await screen.findByText('No notes yet.')).toBeInTheDocument();

    await user.type(screen.getByLabelText('New internal note'), 'x');
    await user.click(screen.getByRole('button', { name: 'Add note' }));

    expect(await screen.findByText('Keep the note under 2000 characters.', { selector: '.field-error' })).toBeInTheDocument();
    expect(queryClient.getQueryState(adminKeys.orderNotes(orderId))?.isInvalidated).toBe(false); // onError ran before the error showed
    expect(api.callsTo(`GET /api/v1/admin/orders/${orderId}/notes`)).toHaveLength(1);
  });
});
