import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { identityApi, unwrap } from '../../api/client';
import { Field, PageTitle } from '../../components/ui';
import { FormAlert, StatusMessage, useAccountForm, useFormValues } from './form';
import { checkEmail } from './rules';

const fields = ['email'] as const;
type ForgotForm = { email: string };

export function ForgotPasswordPage() {
  const { values, bind } = useFormValues<ForgotForm>({ email: '' });
  const form = useAccountForm({
    fields,
    validate: ({ email }: ForgotForm) => ({ email: checkEmail(email) }),
    send: ({ email }: ForgotForm) =>
      unwrap(identityApi.POST('/api/v1/auth/password/forgot', { body: { email: email.trim() } })),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  // identity answers alike whether or not the address has an account, and so does this page: the confirmation is
  // written here from what was typed, never from anything the server might let slip.
  const sentTo = form.sent?.email.trim();

  return (
    <section>
      <PageTitle>Reset your password</PageTitle>
      <StatusMessage focus>
        {sentTo && (
          <p>
            If an account exists for <strong>{sentTo}</strong>, we have sent it a link to choose a new password. The
            link works only once, and only for a short while.
          </p>
        )}
      </StatusMessage>
      {sentTo ? (
        <>
          <p>No e-mail after a few minutes? Check your spam folder, or make sure the address is the one you registered with.</p>
          <p>
            <button type="button" className="link-button" onClick={form.reset}>
              Send another link
            </button>{' '}
            · <Link to="/sign-in">Back to sign in</Link>
          </p>
        </>
      ) : (
        <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit}>
          <p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
          <FormAlert ref={form.alertRef} error={form.formError} />
          <Field
            label="E-mail address"
            type="email"
            autoComplete="email"
            required
            {...bind('email')}
            error={form.fieldError('email')}
          />
          <button type="submit" className="button" disabled={form.sending}>
            {form.sending ? 'Sending…' : 'Send the link'}
          </button>
          <p>
            <Link to="/sign-in">Back to sign in</Link>
          </p>
        </form>
      )}
    </section>
  );
}
