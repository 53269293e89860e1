import { screen, waitFor } from '@testing-library/react';
import type { UserEvent } from '@testing-library/user-event';
import { getSession } from '../../api/session';
import { authResponse, json, mockApi, problem, renderWithProviders } from '../../test/render';
import { SignInPage } from './SignInPage';

async function signIn(user: UserEvent, email = 'ada@example.com', password = 'correct horse battery') {
  await user.type(screen.getByLabelText('E-mail address'), email);
  await user.type(screen.getByLabelText('Password'), password);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('SignInPage', () => {
  it('signs in and goes to the page named by next', async () => {
    const api = mockApi({ 'POST /api/v1/auth/login': () => json(authResponse()) });
    const view = renderWithProviders(<SignInPage />, { route: '/sign-in?next=%2Forders%3Fpage%3D2' });

    await signIn(view.user, '  ada@example.com ');

    await waitFor(() => expect(view.location()).toBe('/orders?page=2'));
    expect(api.callsTo('POST /api/v1/auth/login')[0]?.body).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
    expect(getSession()?.user.email).toBe('ada@example.com');
  });

  it.each([
    ['another site', 'https://evil.example/phish'],
    ['a protocol-relative address', '//evil.example/phish'],
    ['a backslash trick', '/\\evil.example/phish'],
    ['a script', 'javascript:alert(1)'],
  ])('goes home instead of to %s', async (_, next) => {
    mockApi({ 'POST /api/v1/auth/login': () => json(authResponse()) });
    const view = renderWithProviders(<SignInPage />, { route: `/sign-in?next=${encodeURIComponent(next)}` });

    await signIn(view.user);

    await waitFor(() => expect(view.location()).toBe('/'));
  });

  it('shows the server’s sentence on a 401 and moves focus to it', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problem(401, { title: 'Not signed in', detail: 'The e-mail address or password is incorrect.' }),
    });
    const view = renderWithProviders(<SignInPage />, { route: '/sign-in?next=%2Fcart' });

    await signIn(view.user);

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The e-mail address or password is incorrect.');
    expect(document.activeElement).toContainElement(alert);
    expect(view.location()).toBe('/sign-in?next=%2Fcart');
    expect(getSession()).toBeNull();
  });

  it('shows the server’s sentence on a 429', async () => {
    mockApi({
      'POST /api/v1/auth/login': () =>
        problem(429, { title: 'Too many requests', detail: 'Slow down: try again in 42 seconds.' }),
    });
    const view = renderWithProviders(<SignInPage />, { route: '/sign-in' });

    await signIn(view.user);

    expect(await screen.findByRole('alert')).toHaveTextContent('Slow down: try again in 42 seconds.');
  });

  it('asks for both fields before sending anything', async () => {
    const api = mockApi({});
    const view = renderWithProviders(<SignInPage />, { route: '/sign-in' });

    await view.user.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(screen.getByLabelText('E-mail address')).toHaveAccessibleDescription('Enter your e-mail address.');
    expect(screen.getByLabelText('E-mail address')).toHaveFocus();
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');
    expect(api.callsTo('POST /api/v1/auth/login')).toHaveLength(0);
  });

  it('says it is signing in, and cannot be sent twice meanwhile', async () => {
    let answer: (response: Response) => void = () => undefined;
    const api = mockApi({ 'POST /api/v1/auth/login': () => new Promise<Response>((resolve) => (answer = resolve)) });
    const view = renderWithProviders(<SignInPage />, { route: '/sign-in' });

    await signIn(view.user);

    const button = await screen.findByRole('button', { name: 'Signing in…' });
    expect(button).toBeDisabled();
    answer(json(authResponse()));
    await waitFor(() => expect(view.location()).toBe('/'));
    expect(api.callsTo('POST /api/v1/auth/login')).toHaveLength(1);
  });

  it('links to the password reset and, keeping next, to registration', async () => {
    mockApi({});
    await renderWithProviders(<SignInPage />, { route: '/sign-in?next=%2Fcheckout' }).settled();

    expect(screen.getByRole('link', { name: 'Forgot your password?' })).toHaveAttribute('href', '/forgot-password');
    expect(screen.getByRole('link', { name: 'Create an account' })).toHaveAttribute('href', '/register?next=%2Fcheckout');
  });

  it('gives the inputs the autocomplete a password manager needs', async () => {
    mockApi({});
    await renderWithProviders(<SignInPage />, { route: '/sign-in' }).settled();

    expect(screen.getByLabelText('E-mail address')).toHaveAttribute('autocomplete', 'email');
    expect(screen.getByLabelText('Password')).toHaveAttribute('autocomplete', 'current-password');
  });
});
