import { type FormEvent } from 'react';
import { Link } from 'react-router';
import { identityApi, unwrap } from '../../api/client';
import { updateUser, type User } from '../../api/session';
import { SignOutButton } from '../../components/SignOutButton';
import { useAuth } from '../../auth/auth';
import { Field, PageTitle } from '../../components/ui';
import { FormAlert, NewPasswordFields, StatusMessage, useAccountForm, useFormValues, type FieldErrors } from './form';
import {
  checkConfirmation,
  checkDisplayName,
  checkEmail,
  checkNewPassword,
  displayNameMaxLength,
  sameEmail,
} from './rules';

/** Behind RequireRole: there is always a signed-in user here. */
export function AccountPage() {
  const { user } = useAuth();
  if (!user) return null;
  return (
    <section>
      <PageTitle actions={<SignOutButton />}>Your account</PageTitle>
      <p>
        <Link to="/orders">Your orders</Link>: follow a delivery, or look back at what you bought.
      </p>
      <ProfileForm user={user} />
      <PasswordForm email={user.email} />
    </section>
  );
}

const profileFields = ['displayName', 'email', 'currentPassword'] as const;
type ProfileField = (typeof profileFields)[number];
type ProfileValues = Record<ProfileField, string>;

// The profile starts from the session's copy of the user, which identity sends with every sign-in and refresh.
function ProfileForm({ user }: { user: User }) {
  const { values, setValues, bind } = useFormValues<ProfileValues>({
    displayName: user.displayName,
    email: user.email,
    currentPassword: '',
  });
  // identity asks for the current password only when the address really changes (compared normalised): the
  // address is how the account is recovered.
  const changesEmail = (email: string) => !sameEmail(email, user.email);
  const form = useAccountForm({
    fields: profileFields,
    validate: (v: ProfileValues): FieldErrors<ProfileField> => ({
      displayName: checkDisplayName(v.displayName),
      email: checkEmail(v.email),
      currentPassword:
        changesEmail(v.email) && !v.currentPassword ? 'Enter your current password to change the e-mail address.' : undefined,
    }),
    send: (v: ProfileValues) => {
      const emailChange = changesEmail(v.email);
      return unwrap(
        identityApi.PUT('/api/v1/users/me', {
          body: {
            displayName: v.displayName.trim(),
            email: emailChange ? v.email.trim() : null,
            currentPassword: emailChange ? v.currentPassword : null,
          },
        }),
      );
    },
    onSuccess: (saved) => {
      updateUser(saved); // the header and the rest of the app show the new name at once
      setValues({ displayName: saved.displayName, email: saved.email, currentPassword: '' });
    },
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  return (
    <section aria-labelledby="profile-heading">
      <h2 id="profile-heading">Your details</h2>
      <StatusMessage>{form.succeeded && 'Your details have been saved.'}</StatusMessage>
      <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit} aria-labelledby="profile-heading">
        <FormAlert ref={form.alertRef} error={form.formError} />
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
        {changesEmail(values.email) && (
          <Field
            label="Current password"
            type="password"
            autoComplete="current-password"
            required
            hint="Needed to change the e-mail address you sign in with."
            {...bind('currentPassword')}
            error={form.fieldError('currentPassword')}
          />
        )}
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? 'Saving…' : 'Save details'}
        </button>
      </form>
    </section>
  );
}

const passwordFields = ['currentPassword', 'newPassword', 'confirmPassword'] as const;
type PasswordField = (typeof passwordFields)[number];
type PasswordValues = Record<PasswordField, string>;
const noPasswords: PasswordValues = { currentPassword: '', newPassword: '', confirmPassword: '' };

function PasswordForm({ email }: { email: string }) {
  const { signIn } = useAuth();
  const { values, setValues, bind } = useFormValues<PasswordValues>(noPasswords);
  const form = useAccountForm({
    fields: passwordFields,
    validate: (v: PasswordValues): FieldErrors<PasswordField> => ({
      currentPassword: v.currentPassword ? undefined : 'Enter your current password.',
      newPassword: checkNewPassword(v.newPassword, email),
      confirmPassword: checkConfirmation(v.newPassword, v.confirmPassword),
    }),
    /** Resolves to whether this browser is still signed in afterwards. */
    send: async ({ currentPassword, newPassword }: PasswordValues): Promise<boolean> => {
      await unwrap(identityApi.PUT('/api/v1/users/me/password', { body: { currentPassword, newPassword } }));
      // identity has revoked every refresh token of the account, this browser's included: sign in again with the
      // new password so the session outlives its access token. Failing that, the change itself still stands.
      return signIn(email, newPassword).then(
        () => true,
        () => false,
      );
    },
    onSuccess: () => setValues(noPasswords),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    form.submit(values);
  }

  return (
    <section aria-labelledby="password-heading">
      <h2 id="password-heading">Change your password</h2>
      <StatusMessage>
        {form.succeeded &&
          (form.result
            ? 'Your password has been changed. Any other device signed in to your account has been signed out.'
            : 'Your password has been changed, and every device has been signed out. Sign in again with the new password when asked.')}
      </StatusMessage>
      <form ref={form.formRef} className="form" noValidate onSubmit={onSubmit} aria-labelledby="password-heading">
        <FormAlert ref={form.alertRef} error={form.formError} />
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          {...bind('currentPassword')}
          error={form.fieldError('currentPassword')}
        />
        <NewPasswordFields field="newPassword" label="New password" bind={bind} fieldError={form.fieldError} />
        <button type="submit" className="button" disabled={form.sending}>
          {form.sending ? 'Changing the password…' : 'Change password'}
        </button>
      </form>
    </section>
  );
}
