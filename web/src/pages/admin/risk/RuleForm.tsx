import { useState, type FormEvent } from 'react';
import { Field, FormError, SelectField } from '../../../components/ui';
import { humanize } from '../../../format';
import { fieldError } from '../../../api/problem';
import { parseWholeNumber } from '../forms';
import type { RiskRule, SaveRuleRequest } from '../types';
import { currencies } from '../catalog/products';
import { parametersToText, ruleActions, ruleKinds, textToParameters, type ParameterSpec, type ParameterText } from './ruleKinds';

interface RuleFormProps {
  /** the rule being edited; without it the form creates one */
  rule?: RiskRule;
  onSubmit: (request: SaveRuleRequest) => void;
  onCancel: () => void;
  pending: boolean;
  error: unknown;
}

function ParameterField({ spec, value, onChange, error }: { spec: ParameterSpec; value: string; onChange: (value: string) => void; error?: string }) {
  const common = { label: spec.label, value, error, required: spec.required, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  if (spec.type === 'choice' || spec.type === 'currency') {
    const options = spec.type === 'choice' ? (spec.choices ?? []) : currencies;
    return (
      <div>
        <SelectField {...common}>
          {!spec.required && <option value="">{spec.type === 'currency' ? "The order's own" : 'Default'}</option>}
          {spec.required && !value && <option value="">Choose…</option>}
          {options.map((option) => (
            <option key={option} value={option}>
              {spec.type === 'choice' ? humanize(option) : option}
            </option>
          ))}
        </SelectField>
        {spec.hint && <p className="hint">{spec.hint}</p>}
      </div>
    );
  }
  return <Field {...common} hint={spec.hint} inputMode={spec.type === 'integer' ? 'numeric' : undefined} />;
}

export function RuleForm({ rule, onSubmit, onCancel, pending, error }: RuleFormProps) {
  const [name, setName] = useState(rule?.name ?? '');
  const [kind, setKind] = useState(rule?.kind ?? 'amount_limit');
  const [action, setAction] = useState(rule?.action ?? 'review');
  const [score, setScore] = useState(String(rule?.score ?? 50));
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [parameters, setParameters] = useState<ParameterText>(rule ? parametersToText(rule.kind, rule.parameters) : {});
  const [errors, setErrors] = useState<ParameterText>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = textToParameters(kind, parameters);
    const scoreValue = parseWholeNumber(score);
    const found: ParameterText = { ...parsed.errors };
    if (!name.trim()) found.name = 'Give the rule a name.';
    if (scoreValue === null || scoreValue < 0 || scoreValue > 100) found.score = 'Enter a whole number from 0 to 100.';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    onSubmit({ name: name.trim(), kind, action, score: scoreValue, enabled, parameters: parsed.parameters, version: rule?.version ?? null });
  };

  return (
    <form className="form admin-panel" onSubmit={submit} aria-label={rule ? `Edit rule ${rule.name}` : 'New rule'} noValidate>
      <FormError error={error} />
      <Field label="Name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} error={errors.name ?? fieldError(error, 'name')} />
      <SelectField
        label="Kind"
        value={kind}
        onChange={(e) => {
          setKind(e.target.value);
          setParameters({}); // each kind takes its own parameters; the service refuses unknown ones
          setErrors({});
        }}
        error={fieldError(error, 'kind')}
      >
        {Object.entries(ruleKinds).map(([value, { label }]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </SelectField>
      <fieldset>
        <legend>Parameters</legend>
        {fieldError(error, 'parameters') && <p className="field-error">{fieldError(error, 'parameters')}</p>}
        {ruleKinds[kind]?.parameters.map((spec) => (
          <ParameterField
            key={`${kind}-${spec.name}`}
            spec={spec}
            value={parameters[spec.name] ?? ''}
            onChange={(value) => setParameters({ ...parameters, [spec.name]: value })}
            error={errors[spec.name] ?? fieldError(error, `parameters.${spec.name}`)}
          />
        ))}
      </fieldset>
      <div className="form-row">
        <SelectField label="When it triggers" value={action} onChange={(e) => setAction(e.target.value)} error={fieldError(error, 'action')}>
          {ruleActions.map((a) => (
            <option key={a} value={a}>
              {a === 'review' ? 'Hold for review' : 'Decline'}
            </option>
          ))}
        </SelectField>
        <Field label="Score (0–100)" inputMode="numeric" value={score} onChange={(e) => setScore(e.target.value)} error={errors.score ?? fieldError(error, 'score')} />
      </div>
      <label className="choice">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} /> Enabled
      </label>
      <div className="button-row">
        <button type="submit" className="button" disabled={pending}>
          {rule ? 'Save rule' : 'Create rule'}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
