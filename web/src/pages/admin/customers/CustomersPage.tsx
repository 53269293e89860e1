import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { identityApi, unwrap } from '../../../api/client';
import { ActionButton, DataTable, Field, FormError, PageTitle, QueryView, SelectField } from '../../../components/ui';
import type { Role } from '../../../auth/auth';
import { formatDate, humanize } from '../../../format';
import { CursorPager, FilterBar } from '../common';
import { reloadWhenUnsure, useCanEdit, useCursorPager, useSearchFilters } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { AdminUser } from '../types';

const roles: Role[] = ['customer', 'support', 'admin'];
const filterNames = ['q', 'role'] as const;

function useUserChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.users });
}

function RolesEditor({ user }: { user: AdminUser }) {
  const changed = useUserChanged();
  const [chosen, setChosen] = useState(() => new Set(user.roles));
  const save = useMutation({
    mutationFn: () =>
      unwrap(identityApi.PUT('/api/v1/admin/users/{id}/roles', { params: { path: { id: user.id } }, body: { roles: roles.filter((r) => chosen.has(r)) } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  const toggle = (role: Role) => {
    const next = new Set(chosen);
    if (next.has(role)) next.delete(role);
    else next.add(role);
    setChosen(next);
  };
  const unchanged = chosen.size === user.roles.length && user.roles.every((r) => chosen.has(r));
  return (
    <form
      className="roles-editor"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <fieldset>
        <legend className="visually-hidden">Roles of {user.displayName}</legend>
        {roles.map((role) => (
          <label key={role} className="choice">
            <input type="checkbox" checked={chosen.has(role)} onChange={() => toggle(role)} /> {humanize(role)}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="button small" disabled={unchanged || save.isPending} aria-label={`Save roles of ${user.displayName}`}>
        Save roles
      </button>
      <FormError error={save.error} />
    </form>
  );
}

function LockButton({ user }: { user: AdminUser }) {
  const changed = useUserChanged();
  const toggle = useMutation({
    mutationFn: () =>
      unwrap(identityApi.POST(user.locked ? '/api/v1/admin/users/{id}/unlock' : '/api/v1/admin/users/{id}/lock', { params: { path: { id: user.id } } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  const verb = user.locked ? 'Unlock' : 'Lock';
  return (
    <>
      <ActionButton
        className={user.locked ? 'button secondary small' : 'button danger small'}
        pending={toggle.isPending}
        confirm={user.locked ? undefined : `Lock ${user.displayName}'s account? They are signed out and cannot sign in until unlocked.`}
        onAction={() => toggle.mutate()}
        aria-label={`${verb} ${user.displayName}'s account`}
      >
        {verb}
      </ActionButton>
      <FormError error={toggle.error} />
    </>
  );
}

function UserTable({ users }: { users: AdminUser[] }) {
  const canEdit = useCanEdit();
  return (
    <DataTable columns={['Name', 'E-mail', 'Since', 'Roles', 'Account']}>
      {users.map((user) => (
        <tr key={user.id}>
          <td>{user.displayName}</td>
          <td>
            <a href={`mailto:${user.email}`}>{user.email}</a>
          </td>
          <td>{formatDate(user.createdAt)}</td>
          <td>{canEdit ? <RolesEditor key={user.roles.join()} user={user} /> : user.roles.map(humanize).join(', ')}</td>
          <td>
            <span className={`badge ${user.locked ? 'badge-bad' : 'badge-ok'}`}>{user.locked ? 'Locked' : 'Active'}</span>
            {canEdit && (
              <div className="admin-row-action">
                <LockButton user={user} />
              </div>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function CustomersPage() {
  const filters = useSearchFilters(filterNames);
  const pager = useCursorPager(filters.key);
  const query = { q: filters.values.q || undefined, role: filters.values.role || undefined, cursor: pager.cursor };
  const users = useQuery({
    queryKey: [...adminKeys.users, query],
    queryFn: ({ signal }) => unwrap(identityApi.GET('/api/v1/admin/users', { params: { query }, signal })),
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageTitle>Customers</PageTitle>
      <FilterBar label="Find customers" onApply={filters.apply} key={filters.key}>
        <Field label="Name or e-mail" name="q" type="search" defaultValue={filters.values.q} maxLength={200} />
        <SelectField label="Role" name="role" defaultValue={filters.values.role}>
          <option value="">Any role</option>
          {roles.map((role) => (
            <option key={role} value={role}>
              {humanize(role)}
            </option>
          ))}
        </SelectField>
      </FilterBar>
      <QueryView query={users} isEmpty={(page) => page.items.length === 0} empty="No accounts match.">
        {(page) => (
          <>
            <UserTable users={page.items} />
            <CursorPager pager={pager} nextCursor={page.nextCursor} label="Customers" />
          </>
        )}
      </QueryView>
    </>
  );
}
