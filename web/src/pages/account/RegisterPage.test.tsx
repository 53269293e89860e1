import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { getSession } from '../../api/session';
import { authResponse, json, mockApi, problem, renderWithProviders, testUser } from '../../test/render';
import { RegisterPage } from './RegisterPage';

interface Entry {
  name: string;
  email: string;
  password: string;
  confirmation: string;
}

const valid: Entry = { name: 'Ada Lovelace', email: 'ada@example.com', password: 'analytical-engine', confirmation: 'analytical-engine' };

async function register(user: UserEvent, entry: Partial<Entry> = {}) {
  const { name, email, password, confirmation } = { ...valid, ...entry };
  if (name) await user.type(screen.getByLabelText('Your name'), name);
  if (email) await user.type(screen.getByLabelText('E-mail address'), email);
  if (password) await user.type(screen.getByLabelText('Password'), password);
  if (confirmation) await user.type(screen.getByLabelText('Confirm password'), confirmation);
  await user.click(screen.getByRole('button', { name: 'Create account' }));
}

describe('RegisterPage', () => {
  it('creates the account, signs in and goes to next', async () => {
    const api = mockApi({
      'POST /api/v1/auth/register': () => json(testUser(), 201),
      'POST /api/v1/auth/login': () => json(authResponse()),
    });
    const view = renderWithProviders(<RegisterPage />, { route: '/register?next=%2Fcheckout' });

    await register(view.user);

    await waitFor(() => expect(view.location()).toBe('/checkout'));
    expect(api.callsTo('POST /api/v1/auth/register')[0]?.body).toEqual({
      email: 'ada@example.com',
      password: 'analytical-engine',
      displayName: 'Ada Lovelace',
    });
    expect(getSession()?.user.displayName).toBe('Ada Lovelace');
  });

  it('refuses passwords that do not match without sending', async () => {
    const api = mockApi({});
    const view = renderWithProviders(<RegisterPage />, { route: '/register' });

    await register(view.user, { confirmation: 'analytical-engines' });

    const confirm = screen.getByLabelText('Confirm password');
    expect(confirm).toHaveAccessibleDescription('The passwords do not match.');
    expect(confirm).toHaveAttribute('aria-invalid', 'true');
    expect(confirm).toHaveFocus();
    expect(api.callsTo('POST /api/v1/auth/register')).toHaveLength(0);
  });

  it('refuses a password shorter than identity allows without sending', async () => {
    const api = mockApi({});
    const view = renderWithProviders(<RegisterPage />, { route: '/register' });

    await register(view.user, { password: 'short', confirmation: 'short' });

    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      expect.stringContaining('The password must be at least 10 characters long.'),
    );
    expect(api.callsTo('POST /api/v1/auth/register')).toHaveLength(0);
  });

  it('shows the password rule as a hint from the start', async () => {
    mockApi({});
    await renderWithProviders(<RegisterPage />, { route: '/register' }).settled();

    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(expect.stringMatching(/^At least 10 characters/));
    expect(screen.getByLabelText('Your name')).toHaveAttribute('autocomplete', 'name');
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'new-password');
    expect(screen.getByLabelText('Confirm password')).toHaveAttribute('autocomplete', 'new-password');
  });

  it('puts the server’s field errors beside their inputs', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        problem(400, {
          title: 'The request has invalid fields',
          errors: {
            Email: ['This e-mail address is already registered.'],
            password: ['This password is too common; choose one that is harder to guess.'],
          },
        }),
    });
    const view = renderWithProviders(<RegisterPage />, { route: '/register' });

    await register(view.user);

    const email = screen.getByLabelText('E-mail address');
    await waitFor(() => expect(email).toHaveAccessibleDescription('This e-mail address is already registered.'));
    expect(email).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription(
      expect.stringContaining('This password is too common; choose one that is harder to guess.'),
    );
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(getSession()).toBeNull();
  });

  it('offers sign-in and a reset when the address already has an account', async () => {
    mockApi({
      'POST /api/v1/auth/register': () =>
        problem(409, {
          title: 'Conflict',
          detail: 'An account with this e-mail address already exists. Sign in, or reset your password.',
        }),
    });
    const view = renderWithProviders(<RegisterPage />, { route: '/register?next=%2Fcart' });

    await register(view.user);

    expect(await screen.findByRole('alert')).toHaveTextContent('An account with this e-mail address already exists.');
    expect(screen.getAllByRole('link', { name: 'Sign in' })[0]).toHaveAttribute('href', '/sign-in?next=%2Fcart');
    expect(screen.getByRole('link', { name: 'reset your password' })).toHaveAttribute('href', '/forgot-password');
  });
});
