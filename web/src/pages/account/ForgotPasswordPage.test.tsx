import { screen } from '@testing-library/react';
import { json, mockApi, problem, renderWithProviders } from '../../test/render';
import { ForgotPasswordPage } from './ForgotPasswordPage';

const neutral = {
  message: 'If an account exists for this address, we have sent it a link to reset the password. The link works once, for 30 minutes.',
};

describe('ForgotPasswordPage', () => {
  it('confirms in the same neutral words whatever the address', async () => {
    const api = mockApi({ 'POST /api/v1/auth/password/forgot': () => json(neutral, 202) });
    const view = renderWithProviders(<ForgotPasswordPage />, { route: '/forgot-password' });

    await view.user.type(screen.getByLabelText('E-mail address'), 'nobody@example.com');
    await view.user.click(screen.getByRole('button', { name: 'Send the link' }));

    const status = await screen.findByRole('status');
    expect(status).toHaveTextContent('If an account exists for nobody@example.com, we have sent it a link');
    expect(status).toHaveFocus();
    expect(api.callsTo('POST /api/v1/auth/password/forgot')[0]?.body).toEqual({ email: 'nobody@example.com' });
    expect(screen.queryByLabelText('E-mail address')).not.toBeInTheDocument();
  });

  it('lets the shopper send another link', async () => {
    mockApi({ 'POST /api/v1/auth/password/forgot': () => json(neutral, 202) });
    const view = renderWithProviders(<ForgotPasswordPage />, { route: '/forgot-password' });

    await view.user.type(screen.getByLabelText('E-mail address'), 'ada@example.com');
    await view.user.click(screen.getByRole('button', { name: 'Send the link' }));
    await view.user.click(await screen.findByRole('button', { name: 'Send another link' }));

    expect(screen.getByLabelText('E-mail address')).toBeInTheDocument();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('checks the address before sending', async () => {
    const api = mockApi({});
    const view = renderWithProviders(<ForgotPasswordPage />, { route: '/forgot-password' });

    await view.user.type(screen.getByLabelText('E-mail address'), 'ada@example');
    await view.user.click(screen.getByRole('button', { name: 'Send the link' }));

    expect(screen.getByLabelText('E-mail address')).toHaveAccessibleDescription(
      'Enter a valid e-mail address, like name@example.com.',
    );
    expect(api.callsTo('POST /api/v1/auth/password/forgot')).toHaveLength(0);
  });

  it('says so when asked too often', async () => {
    mockApi({
      'POST /api/v1/auth/password/forgot': () => problem(429, { title: 'Too many requests', detail: 'Slow down: try again in 60 seconds.' }),
    });
    const view = renderWithProviders(<ForgotPasswordPage />, { route: '/forgot-password' });

    await view.user.type(screen.getByLabelText('E-mail address'), 'ada@example.com');
    await view.user.click(screen.getByRole('button', { name: 'Send the link' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Slow down: try again in 60 seconds.');
  });
});
