import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { ApiError } from '../../api/problem';
import { useAuth } from '../../auth/auth';
import { Field, PageTitle } from '../../components/ui';
import { FormAlert, NewPasswordFields, useAccountForm, useFormValues, type FieldErrors } from './form';
import { nextQuery, useNextPath } from './redirect';
import { checkConfirmation, checkDisplayName, checkEmail, checkNewPassword, displayNameMaxLength } from './rules';

const fields = ['displayName', 'email', 'password', 'confirmPassword'] as const;
type RegisterField = (typeof fields)[number];
type Registration = Record<RegisterField, string>;

function validate(values: Registration): FieldErrors<RegisterField> {
  return {
    displayName: checkDisplayName(values.displayName),
    email: checkEmail(values.email),
    password: checkNewPassword(values.password, values.email),
    confirmPassword: checkConfirmation(values.password, values.confirmPassword),
  };
}

export function RegisterPage() {
  const { register } = useAuth();
  const navigate = useNavigate();
  const next = useNextPath();
  const { values, bind } = useFormValues<Registration>({ displayName: '', email: '', password: '', confirmPassword: '' });
  const form = useAccountForm({
    fields,
    validate,
    // register() signs the new customer in and folds the guest cart into theirs.
    send: ({ email, password, displayName }: Registration) => register(email.trim(), password, displayName.trim()),
    onSuccess: () => navigate(next, { replace: true }),
  });
  // identity answers 409 when the address already has an account.
  const taken = form.formError instanceof ApiError && form.formError.status === 409;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  return (
    <section>
      <PageTitle>Create an account</PageTitle>
      <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit}>
        <FormAlert ref={form.alertRef} error={form.formError}>
          {taken && (
            <p>
              <Link to={`/sign-in${nextQuery(next)}`}>Sign in</Link> or <Link to="/forgot-password">reset your password</Link>.
            </p>
          )}
        </FormAlert>
        <Field
          label="Your name"
          autoComplete="name"
          required
          maxLength={displayNameMaxLength}
          {...bind('displayName')}
          error={form.fieldError('displayName')}
        />
        <Field
          label="E-mail address"
          type="email"
          autoComplete="email"
          required
          {...bind('email')}
          error={form.fieldError('email')}
        />
        <NewPasswordFields field="password" label="Password" bind={bind} fieldError={form.fieldError} />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={`/sign-in${nextQuery(next)}`}>Sign in</Link>
      </p>
    </section>
  );
}
