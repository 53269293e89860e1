import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { orderingApi, unwrap } from '../../../api/client';
import { FormError, QueryView, TextAreaField } from '../../../components/ui';
import { formatDateTime } from '../../../format';
import { fieldError } from '../../../api/problem';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import { adminKeys } from '../queryKeys';

function AddNoteForm({ orderId }: { orderId: string }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const reload = () => queryClient.invalidateQueries({ queryKey: adminKeys.orderNotes(orderId) });
  const add = useMutation({
    mutationFn: (note: string) => unwrap(orderingApi.POST('/api/v1/admin/orders/{id}/notes', { params: { path: { id: orderId } }, body: { text: note } })),
    onSuccess: async () => {
      setText('');
      await reload();
    },
    // The notes show whether one whose answer was lost was added, before it is sent again.
    onError: reloadWhenUnsure(reload),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = text.trim() ? undefined : 'Write the note first.';
    setError(problem);
    if (!problem) add.mutate(text.trim());
  };
  return (
    <form className="form" onSubmit={submit} noValidate>
      <FormError error={add.error} />
      <TextAreaField
        label="New internal note"
        rows={3}
        maxLength={2000}
        value={text}
        onChange={(e) => setText(e.target.value)}
        error={error ?? fieldError(add.error, 'text')}
      />
      <button type="submit" className="button secondary" disabled={add.isPending}>
        Add note
      </button>
    </form>
  );
}

/** Staff-only notes on an order; customers never see them. */
export function OrderNotes({ orderId }: { orderId: string }) {
  const canEdit = useCanEdit();
  const notes = useQuery({
    queryKey: adminKeys.orderNotes(orderId),
    queryFn: ({ signal }) => unwrap(orderingApi.GET('/api/v1/admin/orders/{id}/notes', { params: { path: { id: orderId } }, signal })),
  });
  return (
    <>
      <QueryView query={notes} isEmpty={(list) => list.length === 0} empty="No notes yet.">
        {(list) => (
          <ul className="admin-notes">
            {list.map((note, index) => (
              <li key={`${note.at}-${index}`}>
                <p>{note.detail}</p>
                <p className="muted">
                  {note.actor}, {formatDateTime(note.at)}
                </p>
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      {canEdit && <AddNoteForm orderId={orderId} />}
    </>
  );
}
