import { screen } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { useNavigate } from 'react-router';
import { mockApi, noContent, problem, renderWithProviders } from '../../test/render';
import { ResetPasswordPage } from './ResetPasswordPage';

async function choose(user: UserEvent, password: string, confirmation = password) {
  await user.type(screen.getByLabelText('New password'), password);
  await user.type(screen.getByLabelText('Confirm new password'), confirmation);
  await user.click(screen.getByRole('button', { name: 'Save the new password' }));
}

/** The browser's back button, to tell a replaced history entry from a pushed one. */
function BackButton() {
  const navigate = useNavigate();
  return (
    <button type="button" onClick={() => void navigate(-1)}>
      Back
    </button>
  );
}

describe('ResetPasswordPage', () => {
  it('explains a link without a token and offers a new one', async () => {
    mockApi({});
    await renderWithProviders(<ResetPasswordPage />, { route: '/reset-password' }).settled();

    expect(screen.getByRole('alert')).toHaveTextContent('has no reset code in it');
    expect(screen.getByRole('link', { name: 'ask for a new link' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });

  it('sets the new password and sends the shopper to sign in', async () => {
    const api = mockApi({ 'POST /api/v1/auth/password/reset': () => noContent() });
    const view = renderWithProviders(<ResetPasswordPage />, { route: '/reset-password?token=abc%2B123' });

    await choose(view.user, 'a much better passphrase');

    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('Your password has been changed');
    expect(screen.getByRole('link', { name: 'Sign in with your new password' })).toHaveAttribute('href', '/sign-in');
    expect(api.callsTo('POST /api/v1/auth/password/reset')[0]?.body).toEqual({
      token: 'abc+123',
      newPassword: 'a much better passphrase',
    });
  });

  it('takes the used token out of the address and the history, keeping the notice', async () => {
    mockApi({ 'POST /api/v1/auth/password/reset': () => noContent() });
    const view = renderWithProviders(
      <>
        <ResetPasswordPage />
        <BackButton />
      </>,
      { route: '/reset-password?token=abc123' },
    );

    await choose(view.user, 'a much better passphrase');

    expect(await screen.findByRole('status')).toHaveTextContent('Your password has been changed');
    expect(view.location()).toBe('/reset-password');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();

    // Replaced, not pushed: going back does not return to the address with the token.
    await view.user.click(screen.getByRole('button', { name: 'Back' }));
    expect(view.location()).toBe('/reset-password');
    expect(screen.getByRole('status')).toHaveTextContent('Your password has been changed');
  });

  it('checks the new password before sending', async () => {
    const api = mockApi({});
    const view = renderWithProviders(<ResetPasswordPage />, { route: '/reset-password?token=abc' });

    await choose(view.user, 'tooshort', 'tooshort');

    expect(screen.getByLabelText('New password')).toHaveAccessibleDescription(
      expect.stringContaining('The password must be at least 10 characters long.'),
    );
    expect(api.callsTo('POST /api/v1/auth/password/reset')).toHaveLength(0);
  });

  it('offers a new link when the token is no longer valid', async () => {
    mockApi({
      'POST /api/v1/auth/password/reset': () =>
        problem(400, {
          title: 'The request has invalid fields',
          errors: { token: ['This reset link is invalid, already used or expired. Ask for a new one.'] },
        }),
    });
    const view = renderWithProviders(<ResetPasswordPage />, { route: '/reset-password?token=used' });

    await choose(view.user, 'a much better passphrase');

    expect(await screen.findByRole('alert')).toHaveTextContent('This reset link is invalid, already used or expired.');
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', '/forgot-password');
  });
});
