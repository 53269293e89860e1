import { useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router';
import { identityApi, unwrap } from '../../api/client';
import { fieldError } from '../../api/problem';
import { PageTitle } from '../../components/ui';
import { FormAlert, NewPasswordFields, StatusMessage, useAccountForm, useFormValues, type FieldErrors } from './form';
import { checkConfirmation, checkNewPassword } from './rules';

// `token` has no input: identity's complaints about it (invalid, used, expired) are shown above the form.
const fields = ['newPassword', 'confirmPassword'] as const;
type ResetField = (typeof fields)[number];
type ResetValues = Record<ResetField, string>;

function validate(values: ResetValues): FieldErrors<ResetField> {
  return {
    newPassword: checkNewPassword(values.newPassword),
    confirmPassword: checkConfirmation(values.newPassword, values.confirmPassword),
  };
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get('token')?.trim() ?? '';
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const [changed, setChanged] = useState(false);

  // A used token has no business in the address bar or the history: the page stays, the query goes.
  function onChanged() {
    setChanged(true);
    void navigate({ pathname }, { replace: true });
  }

  // identity signs the account out everywhere on a reset (refresh tokens revoked), so the way on is to sign in.
  return (
    <section>
      <PageTitle>Choose a new password</PageTitle>
      <StatusMessage focus>
        {changed && (
          <>
            <p>Your password has been changed, and every device signed in to your account has been signed out.</p>
            <p>
              <Link to="/sign-in">Sign in with your new password</Link>
            </p>
          </>
        )}
      </StatusMessage>
      {changed ? null : token ? (
        <ResetForm token={token} onChanged={onChanged} />
      ) : (
        <div className="state state-error" role="alert">
          <p>This page needs the link from the password reset e-mail, and the address you opened has no reset code in it.</p>
          <p>
            Open the link from the e-mail again, or <Link to="/forgot-password">ask for a new link</Link>.
          </p>
        </div>
      )}
    </section>
  );
}

function ResetForm({ token, onChanged }: { token: string; onChanged: () => void }) {
  const { values, bind } = useFormValues<ResetValues>({ newPassword: '', confirmPassword: '' });
  const form = useAccountForm({
    fields,
    validate,
    send: ({ newPassword }: ResetValues) =>
      unwrap(identityApi.POST('/api/v1/auth/password/reset', { body: { token, newPassword } })),
    onSuccess: onChanged,
  });
  const linkDead = fieldError(form.formError, 'token') !== undefined;

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  return (
    <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit}>
      <FormAlert ref={form.alertRef} error={form.formError}>
        {linkDead && (
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        )}
      </FormAlert>
      <NewPasswordFields field="newPassword" label="New password" bind={bind} fieldError={form.fieldError} />
      <button type="submit" className="button" disabled={form.sending}>
        {form.sending ? 'Saving…' : 'Save the new password'}
      </button>
    </form>
  );
}
