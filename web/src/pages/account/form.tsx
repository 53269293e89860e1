// What the account forms share: client-side checks before sending, the server's field errors placed beside their
// inputs, the rest as one sentence above the form, and focus taken to whichever the shopper has to read first.
import { useEffect, useRef, useState, type ChangeEvent, type ReactNode, type Ref } from 'react';
import { useMutation } from '@tanstack/react-query';
import { ApiError } from '../../api/problem';
import { Field, FormError } from '../../components/ui';
import { passwordHint } from './rules';

export type FieldErrors<F extends string> = Partial<Record<F, string>>;

/** A refused submit as the form shows it. */
interface Failure<F extends string> {
  /** messages beside the inputs they are about */
  fields: FieldErrors<F>;
  /** what has no input to stand beside (a 401, a 429, a dead reset link…): shown above the form, or null */
  form: unknown;
}

/**
 * Splits an error between the form's inputs and its top. The services name fields as the client sent them
 * (camelCase); ApiError.fields keys them in lower case, so the match ignores case. Field messages without an input
 * here (a dead reset token, say) become the sentence above the form.
 */
export function failureFrom<F extends string>(error: unknown, fields: readonly F[]): Failure<F> {
  if (!(error instanceof ApiError)) return { fields: {}, form: error };
  const placed: FieldErrors<F> = {};
  const unplaced: string[] = [];
  const names = new Map(fields.map((field) => [field.toLowerCase(), field]));
  for (const [key, message] of Object.entries(error.fields)) {
    const field = names.get(key);
    if (field) placed[field] = message;
    else unplaced.push(message);
  }
  if (unplaced.length === 0) return { fields: placed, form: Object.keys(placed).length ? null : error };
  const detail = error.problem.detail?.trim() || unplaced.join(' ');
  return { fields: placed, form: new ApiError(error.status, { ...error.problem, detail }) };
}

/** A form's text inputs as state; `bind(name)` gives an input its name, value and change handler. */
export function useFormValues<V extends Record<string, string>>(initial: V) {
  const [values, setValues] = useState(initial);
  const bind = (name: keyof V & string) => ({
    name,
    value: values[name],
    onChange: (event: ChangeEvent<HTMLInputElement>) => setValues((current) => ({ ...current, [name]: event.target.value })),
  });
  return { values, setValues, bind };
}

interface AccountFormOptions<F extends string, V, R> {
  /** the inputs' names, spelt as the request's properties so server field errors find them */
  fields: readonly F[];
  /** the client-side checks; sending happens only when they find nothing */
  validate?: (values: V) => FieldErrors<F>;
  send: (values: V) => Promise<R>;
  onSuccess?: (result: R, values: V) => void;
}

/** One account form's submit cycle: validate, send once at a time, and report what went wrong where it belongs. */
export function useAccountForm<F extends string, V, R>({ fields, validate, send, onSuccess }: AccountFormOptions<F, V, R>) {
  const [failure, setFailure] = useState<Failure<F> | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const alertRef = useRef<HTMLDivElement>(null);
  const mutation = useMutation({
    mutationFn: send,
    onSuccess,
    onError: (error) => setFailure(failureFrom(error, fields)),
  });

  // Each failure is a new object, so a second identical mistake moves focus again.
  useEffect(() => {
    if (!failure) return;
    const target = alertRef.current ?? formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    target?.focus();
  }, [failure]);

  function submit(values: V) {
    if (mutation.isPending) return;
    const invalid = validate?.(values) ?? {};
    if (Object.values(invalid).some(Boolean)) {
      mutation.reset(); // a success notice from an earlier send no longer describes the form
      setFailure({ fields: invalid, form: null });
      return;
    }
    setFailure(null);
    mutation.mutate(values);
  }

  return {
    formRef,
    alertRef,
    submit,
    /** the message to show beside one input */
    fieldError: (field: F): string | undefined => failure?.fields[field],
    /** what to show above the form */
    formError: failure?.form ?? null,
    sending: mutation.isPending,
    succeeded: mutation.isSuccess,
    result: mutation.data,
    /** what the last successful send was given */
    sent: mutation.isSuccess ? mutation.variables : undefined,
    /** back to a blank slate, e.g. to send the form again after a success */
    reset: () => {
      setFailure(null);
      mutation.reset();
    },
  };
}

/** FormError in a focusable box, so a failed submit can take the shopper (and a screen reader) straight to it. */
export function FormAlert({ error, ref, children }: { error: unknown; ref: Ref<HTMLDivElement>; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div ref={ref} tabIndex={-1}>
      <FormError error={error} />
      {children}
    </div>
  );
}

/**
 * A live region for success messages. It stays in the page while empty so screen readers are already listening when
 * the message arrives; `focus` also takes the focus to it, for when the message replaces the form that had it.
 */
export function StatusMessage({ children, focus = false }: { children?: ReactNode; focus?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = Boolean(children);
  useEffect(() => {
    if (focus && shown) ref.current?.focus();
  }, [focus, shown]);
  return (
    <div ref={ref} role="status" className={shown ? 'notice' : undefined} tabIndex={focus ? -1 : undefined}>
      {children}
    </div>
  );
}

interface NewPasswordFieldsProps<F extends string> {
  /** the request's name for the new password ("password" on register, "newPassword" elsewhere) */
  field: F;
  /** "Password" on register, "New password" where one is replaced */
  label: string;
  bind: (name: F | 'confirmPassword') => { name: string; value: string; onChange: (event: ChangeEvent<HTMLInputElement>) => void };
  fieldError: (name: F | 'confirmPassword') => string | undefined;
}

/** A new password and its confirmation, with the password rule as the hint: register, reset and change share it. */
export function NewPasswordFields<F extends string>({ field, label, bind, fieldError }: NewPasswordFieldsProps<F>) {
  return (
    <>
      <Field label={label} type="password" autoComplete="new-password" required hint={passwordHint} {...bind(field)} error={fieldError(field)} />
      <Field
        label={`Confirm ${label.toLowerCase()}`}
        type="password"
        autoComplete="new-password"
        required
        {...bind('confirmPassword')}
        error={fieldError('confirmPassword')}
      />
    </>
  );
}
