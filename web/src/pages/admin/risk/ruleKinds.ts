// The rule kinds and their parameters as src/Risk/Rules/RuleParser.cs reads them. Amounts are whole minor units
// (cents), as the risk service stores and compares them; ranges are checked by the service, which names the field.
import { parseWholeNumber } from '../forms';

type ParameterType = 'integer' | 'choice' | 'list' | 'currency';

export interface ParameterSpec {
  name: string;
  label: string;
  type: ParameterType;
  required: boolean;
  choices?: string[];
  hint?: string;
}

interface RuleKind {
  label: string;
  parameters: ParameterSpec[];
}

const currency = (required: boolean): ParameterSpec => ({
  name: 'currency',
  label: 'Currency',
  type: 'currency',
  required,
  hint: required
    ? 'The ISO code the amounts are in, like EUR.'
    : 'The ISO code the amount is in, like EUR. Needed when an amount over 0 is given: 50000 is 500.00 EUR but 50,000 JPY.',
});
const amount = (name: string, label: string, required: boolean): ParameterSpec => ({
  name,
  label: `${label} (minor units)`,
  type: 'integer',
  required,
  hint: 'In cents: 50000 is 500.00.',
});

export const ruleKinds: Record<string, RuleKind> = {
  amount_limit: {
    label: 'Order over an amount',
    parameters: [amount('maxAmount', 'Maximum amount', true), currency(true)],
  },
  velocity: {
    label: 'Too many orders in a window',
    parameters: [
      { name: 'subject', label: 'Counted per', type: 'choice', required: true, choices: ['customer', 'card', 'ip'] },
      { name: 'window', label: 'Window (seconds)', type: 'integer', required: true, hint: 'At most 86400 (a day).' },
      { name: 'maxCount', label: 'Maximum orders', type: 'integer', required: false, hint: 'Give this, a maximum amount, or both.' },
      amount('maxAmount', 'Maximum total amount', false),
      currency(false),
    ],
  },
  country_blocklist: {
    label: 'Blocked countries',
    parameters: [
      { name: 'countries', label: 'Countries', type: 'list', required: true, hint: 'Two-letter codes separated by commas, like KP, IR.' },
      { name: 'field', label: 'Country checked', type: 'choice', required: false, choices: ['any', 'card', 'shipping', 'billing'] },
    ],
  },
  bin_blocklist: {
    label: 'Blocked card BINs',
    parameters: [{ name: 'bins', label: 'Card BINs', type: 'list', required: true, hint: '6 to 8 digits each, separated by commas.' }],
  },
  country_mismatch: {
    label: 'Card or billing country differs from shipping',
    parameters: [amount('minAmount', 'Only orders over', true), currency(false)],
  },
  new_account: {
    label: 'New account, large order',
    parameters: [
      { name: 'maxAgeHours', label: 'Account younger than (hours)', type: 'integer', required: true },
      amount('minAmount', 'Only orders over', true),
      currency(false),
    ],
  },
};

export const ruleActions = ['review', 'decline'] as const;

export type ParameterText = Record<string, string>;

/** The stored JSON parameters as form text. */
export function parametersToText(kind: string, parameters: unknown): ParameterText {
  const source = (parameters && typeof parameters === 'object' ? parameters : {}) as Record<string, unknown>;
  const text: ParameterText = {};
  for (const spec of ruleKinds[kind]?.parameters ?? []) {
    const value = source[spec.name];
    if (value == null) continue;
    text[spec.name] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return text;
}

/** Form text as the JSON parameters, or the messages of the fields that cannot be read. */
export function textToParameters(kind: string, text: ParameterText): { parameters: Record<string, unknown>; errors: ParameterText } {
  const parameters: Record<string, unknown> = {};
  const errors: ParameterText = {};
  for (const spec of ruleKinds[kind]?.parameters ?? []) {
    const raw = text[spec.name]?.trim() ?? '';
    if (!raw) {
      if (spec.required) errors[spec.name] = `${spec.label} is required.`;
      continue;
    }
    switch (spec.type) {
      case 'integer': {
        const value = parseWholeNumber(raw);
        if (value === null) errors[spec.name] = 'Enter a whole number.';
        else parameters[spec.name] = value;
        break;
      }
      case 'list':
        parameters[spec.name] = raw
          .split(/[\s,]+/)
          .filter(Boolean)
          .map((item) => item.toUpperCase());
        break;
      case 'currency':
        parameters[spec.name] = raw.toUpperCase();
        break;
      default:
        parameters[spec.name] = raw;
    }
  }
  return { parameters, errors };
}

/** "maxAmount 50000, currency EUR", for the rules table. */
export function describeParameters(kind: string, parameters: unknown): string {
  return Object.entries(parametersToText(kind, parameters))
    .map(([name, value]) => `${name} ${value}`)
    .join('; ');
}
