import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { riskApi, unwrap } from '../../../api/client';
import { ActionButton, DataTable, FormError, PageTitle, QueryView } from '../../../components/ui';
import { humanize } from '../../../format';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import { adminKeys } from '../queryKeys';
import type { RiskRule, SaveRuleRequest } from '../types';
import { RuleForm } from './RuleForm';
import { describeParameters, ruleKinds } from './ruleKinds';

function useRulesChanged() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: adminKeys.riskRules });
}

/** The whole rule as the service wants it on an update, with the version it was loaded at. */
const toRequest = (rule: RiskRule): SaveRuleRequest => ({
  name: rule.name,
  kind: rule.kind,
  parameters: rule.parameters,
  action: rule.action,
  score: rule.score,
  enabled: rule.enabled,
  version: rule.version,
});

function useSaveRule(rule: RiskRule | undefined, onSaved: () => void) {
  const changed = useRulesChanged();
  return useMutation({
    mutationFn: (body: SaveRuleRequest) =>
      unwrap(rule ? riskApi.PUT('/api/v1/admin/risk/rules/{id}', { params: { path: { id: rule.id } }, body }) : riskApi.POST('/api/v1/admin/risk/rules', { body })),
    onSuccess: async () => {
      await changed();
      onSaved();
    },
    onError: reloadWhenUnsure(changed),
  });
}

function RuleEditor({ rule, onClose }: { rule?: RiskRule; onClose: () => void }) {
  const save = useSaveRule(rule, onClose);
  return (
    <section aria-labelledby="rule-editor-heading">
      <h2 id="rule-editor-heading">{rule ? `Edit rule ${rule.name}` : 'New rule'}</h2>
      <RuleForm rule={rule} onSubmit={save.mutate} onCancel={onClose} pending={save.isPending} error={save.error} />
    </section>
  );
}

function RuleRowActions({ rule, onEdit }: { rule: RiskRule; onEdit: () => void }) {
  const changed = useRulesChanged();
  const toggle = useMutation({
    mutationFn: () => unwrap(riskApi.PUT('/api/v1/admin/risk/rules/{id}', { params: { path: { id: rule.id } }, body: { ...toRequest(rule), enabled: !rule.enabled } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(riskApi.DELETE('/api/v1/admin/risk/rules/{id}', { params: { path: { id: rule.id } } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  return (
    <>
      <span className="button-row">
        <button type="button" className="button secondary small" onClick={onEdit} aria-label={`Edit rule ${rule.name}`}>
          Edit
        </button>
        <ActionButton className="button secondary small" pending={toggle.isPending} onAction={() => toggle.mutate()} aria-label={`${rule.enabled ? 'Disable' : 'Enable'} rule ${rule.name}`}>
          {rule.enabled ? 'Disable' : 'Enable'}
        </ActionButton>
        <ActionButton
          className="button danger small"
          pending={remove.isPending}
          confirm={`Delete the rule "${rule.name}"? Disabling keeps it for later.`}
          onAction={() => remove.mutate()}
          aria-label={`Delete rule ${rule.name}`}
        >
          Delete
        </ActionButton>
      </span>
      <FormError error={toggle.error ?? remove.error} />
    </>
  );
}

function RuleTable({ rules, onEdit }: { rules: RiskRule[]; onEdit: (rule: RiskRule) => void }) {
  const canEdit = useCanEdit();
  return (
    <DataTable columns={['Rule', 'Kind', 'Parameters', 'Action', { label: 'Score', num: true }, 'State', canEdit && 'Change']}>
      {rules.map((rule) => (
        <tr key={rule.id}>
          <td>{rule.name}</td>
          <td>{ruleKinds[rule.kind]?.label ?? humanize(rule.kind)}</td>
          <td className="admin-parameters">{describeParameters(rule.kind, rule.parameters)}</td>
          <td>{rule.action === 'review' ? 'Hold for review' : 'Decline'}</td>
          <td className="num">{rule.score}</td>
          <td>
            <span className={`badge ${rule.enabled ? 'badge-ok' : 'badge-muted'}`}>{rule.enabled ? 'Enabled' : 'Disabled'}</span>
          </td>
          {canEdit && (
            <td>
              <RuleRowActions rule={rule} onEdit={() => onEdit(rule)} />
            </td>
          )}
        </tr>
      ))}
    </DataTable>
  );
}

type Editing = { mode: 'closed' } | { mode: 'new' } | { mode: 'edit'; rule: RiskRule };

export function RiskRulesPage() {
  const canEdit = useCanEdit();
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const rules = useQuery({
    queryKey: adminKeys.riskRules,
    queryFn: ({ signal }) => unwrap(riskApi.GET('/api/v1/admin/risk/rules', { signal })),
  });
  const close = () => setEditing({ mode: 'closed' });
  return (
    <>
      <PageTitle
        actions={
          canEdit &&
          editing.mode === 'closed' && (
            <button type="button" className="button" onClick={() => setEditing({ mode: 'new' })}>
              New rule
            </button>
          )
        }
      >
        Risk rules
      </PageTitle>
      {editing.mode !== 'closed' && (
        <RuleEditor key={editing.mode === 'edit' ? editing.rule.id : 'new'} rule={editing.mode === 'edit' ? editing.rule : undefined} onClose={close} />
      )}
      <QueryView query={rules} isEmpty={(list) => list.length === 0} empty="There are no rules yet.">
        {(list) => <RuleTable rules={list} onEdit={(rule) => setEditing({ mode: 'edit', rule })} />}
      </QueryView>
    </>
  );
}
