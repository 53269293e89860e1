import type { FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../auth/auth';
import { Field, PageTitle } from '../../components/ui';
import { FormAlert, useAccountForm, useFormValues, type FieldErrors } from './form';
import { nextQuery, useNextPath } from './redirect';

const fields = ['email', 'password'] as const;
type SignInField = (typeof fields)[number];
type Credentials = Record<SignInField, string>;

// Only presence is checked: a sign-in box takes whatever the shopper registered with, and the server says no
// without revealing which half was wrong.
function validate({ email, password }: Credentials): FieldErrors<SignInField> {
  return {
    email: email.trim() ? undefined : 'Enter your e-mail address.',
    password: password ? undefined : 'Enter your password.',
  };
}

export function SignInPage() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const next = useNextPath();
  const { values, bind } = useFormValues<Credentials>({ email: '', password: '' });
  const form = useAccountForm({
    fields,
    validate,
    send: ({ email, password }: Credentials) => signIn(email.trim(), password),
    onSuccess: () => navigate(next, { replace: true }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  return (
    <section>
      <PageTitle>Sign in</PageTitle>
      <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit}>
        <FormAlert ref={form.alertRef} error={form.formError} />
        <Field
          label="E-mail address"
          type="email"
          autoComplete="email"
          required
          {...bind('email')}
          error={form.fieldError('email')}
        />
        <Field
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...bind('password')}
          error={form.fieldError('password')}
        />
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New to Bazaar? <Link to={`/register${nextQuery(next)}`}>Create an account</Link>
      </p>
    </section>
  );
}
