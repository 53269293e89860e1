import { screen, waitFor, within } from '@testing-library/react';
import { getSession } from '../../api/session';
import { authResponse, json, mockApi, noContent, problem, renderWithProviders, testUser } from '../../test/render';
import { AccountPage } from './AccountPage';

const session = authResponse({ email: 'ada@example.com', displayName: 'Ada Lovelace' });

function form(name: string) {
  return within(screen.getByRole('form', { name }));
}

describe('AccountPage', () => {
  describe('change password', () => {
    it('changes the password, then signs this browser in again with it', async () => {
      const api = mockApi({
        'PUT /api/v1/users/me/password': () => noContent(),
        'POST /api/v1/auth/login': () => json(authResponse({ email: 'ada@example.com' })),
      });
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const password = form('Change your password');

      await view.user.type(password.getByLabelText('Current password'), 'old passphrase');
      await view.user.type(password.getByLabelText('New password'), 'new passphrase!');
      await view.user.type(password.getByLabelText('Confirm new password'), 'new passphrase!');
      await view.user.click(password.getByRole('button', { name: 'Change password' }));

      expect(await screen.findByText(/Your password has been changed\. Any other device/)).toBeInTheDocument();
      expect(api.callsTo('PUT /api/v1/users/me/password')[0]?.body).toEqual({
        currentPassword: 'old passphrase',
        newPassword: 'new passphrase!',
      });
      // identity revoked this browser's refresh token too: the page signed in again for a fresh one
      expect(api.callsTo('POST /api/v1/auth/login')[0]?.body).toEqual({ email: 'ada@example.com', password: 'new passphrase!' });
      expect(password.getByLabelText('Current password')).toHaveValue('');
      expect(password.getByLabelText('New password')).toHaveValue('');
    });

    it('shows a wrong current password beside that input', async () => {
      const api = mockApi({
        'PUT /api/v1/users/me/password': () =>
          problem(400, {
            title: 'The request has invalid fields',
            errors: { currentPassword: ['The current password is incorrect.'] },
          }),
      });
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const password = form('Change your password');

      await view.user.type(password.getByLabelText('Current password'), 'not my password');
      await view.user.type(password.getByLabelText('New password'), 'new passphrase!');
      await view.user.type(password.getByLabelText('Confirm new password'), 'new passphrase!');
      await view.user.click(password.getByRole('button', { name: 'Change password' }));

      const current = password.getByLabelText('Current password');
      await waitFor(() => expect(current).toHaveAccessibleDescription('The current password is incorrect.'));
      expect(current).toHaveFocus();
      expect(screen.queryByText(/Your password has been changed/)).not.toBeInTheDocument();
      expect(api.callsTo('POST /api/v1/auth/login')).toHaveLength(0);
    });

    it('refuses a new password that is the e-mail address without sending', async () => {
      const api = mockApi({});
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const password = form('Change your password');

      await view.user.type(password.getByLabelText('Current password'), 'old passphrase');
      await view.user.type(password.getByLabelText('New password'), 'Ada@Example.com');
      await view.user.type(password.getByLabelText('Confirm new password'), 'Ada@Example.com');
      await view.user.click(password.getByRole('button', { name: 'Change password' }));

      expect(password.getByLabelText('New password')).toHaveAccessibleDescription(
        expect.stringContaining('The password must not be your e-mail address.'),
      );
      expect(api.callsTo('PUT /api/v1/users/me/password')).toHaveLength(0);
    });
  });

  describe('profile', () => {
    it('saves a new name without asking for the password', async () => {
      const api = mockApi({
        'PUT /api/v1/users/me': () => json(testUser({ email: 'ada@example.com', displayName: 'Countess of Lovelace' })),
      });
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const profile = form('Your details');

      await view.user.clear(profile.getByLabelText('Your name'));
      await view.user.type(profile.getByLabelText('Your name'), 'Countess of Lovelace');
      await view.user.click(profile.getByRole('button', { name: 'Save details' }));

      expect(await screen.findByText('Your details have been saved.')).toBeInTheDocument();
      expect(api.callsTo('PUT /api/v1/users/me')[0]?.body).toEqual({
        displayName: 'Countess of Lovelace',
        email: null,
        currentPassword: null,
      });
      expect(getSession()?.user.displayName).toBe('Countess of Lovelace');
    });

    it('asks for the current password when the e-mail address changes', async () => {
      const api = mockApi({
        'PUT /api/v1/users/me': () => json(testUser({ email: 'ada@lovelace.example' })),
      });
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const profile = form('Your details');
      expect(profile.queryByLabelText('Current password')).not.toBeInTheDocument();

      await view.user.clear(profile.getByLabelText('E-mail address'));
      await view.user.type(profile.getByLabelText('E-mail address'), 'ada@lovelace.example');
      await view.user.click(profile.getByRole('button', { name: 'Save details' }));

      const current = profile.getByLabelText('Current password');
      expect(current).toHaveAccessibleDescription(expect.stringContaining('Enter your current password to change the e-mail address.'));
      expect(current).toHaveAttribute('autocomplete', 'current-password');
      expect(api.callsTo('PUT /api/v1/users/me')).toHaveLength(0);

      await view.user.type(current, 'my passphrase');
      await view.user.click(profile.getByRole('button', { name: 'Save details' }));

      expect(await screen.findByText('Your details have been saved.')).toBeInTheDocument();
      expect(api.callsTo('PUT /api/v1/users/me')[0]?.body).toEqual({
        displayName: 'Ada Lovelace',
        email: 'ada@lovelace.example',
        currentPassword: 'my passphrase',
      });
      expect(getSession()?.user.email).toBe('ada@lovelace.example');
      expect(profile.queryByLabelText('Current password')).not.toBeInTheDocument();
    });

    it('shows that another account has the address', async () => {
      mockApi({
        'PUT /api/v1/users/me': () => problem(409, { title: 'Conflict', detail: 'Another account already uses this e-mail address.' }),
      });
      const view = renderWithProviders(<AccountPage />, { route: '/account', session });
      const profile = form('Your details');

      await view.user.clear(profile.getByLabelText('E-mail address'));
      await view.user.type(profile.getByLabelText('E-mail address'), 'grace@example.com');
      await view.user.type(profile.getByLabelText('Current password'), 'my passphrase');
      await view.user.click(profile.getByRole('button', { name: 'Save details' }));

      const alert = await profile.findByRole('alert');
      expect(alert).toHaveTextContent('Another account already uses this e-mail address.');
      expect(document.activeElement).toContainElement(alert);
    });
  });

  it('links to the order history', async () => {
    mockApi({});
    await renderWithProviders(<AccountPage />, { route: '/account', session }).settled();

    expect(screen.getByRole('link', { name: 'Your orders' })).toHaveAttribute('href', '/orders');
  });

  it('signs out and goes home', async () => {
    const api = mockApi({ 'POST /api/v1/auth/logout': () => noContent() });
    const view = renderWithProviders(<AccountPage />, { route: '/account', session });

    await view.user.click(screen.getByRole('button', { name: 'Sign out' }));

    await waitFor(() => expect(view.location()).toBe('/'));
    expect(api.callsTo('POST /api/v1/auth/logout')).toHaveLength(1);
    expect(getSession()).toBeNull();
  });
});
