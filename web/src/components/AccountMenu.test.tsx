import { screen } from '@testing-library/react';
import { mockApi, renderWithProviders } from '../test/render';
import { AccountMenu } from './Layout';

describe('AccountMenu for a visitor', () => {
  it('brings the visitor back to the page they were on after signing in or registering', async () => {
    mockApi({});
    const view = renderWithProviders(<AccountMenu />, { route: '/p/trail-runner?size=42' });
    await view.settled();

    expect(await screen.findByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in?next=%2Fp%2Ftrail-runner%3Fsize%3D42');
    expect(screen.getByRole('link', { name: 'Register' })).toHaveAttribute('href', '/register?next=%2Fp%2Ftrail-runner%3Fsize%3D42');
  });

  it('adds no next on the account pages themselves', async () => {
    mockApi({});
    const view = renderWithProviders(<AccountMenu />, { route: '/sign-in?next=%2Fcart' });
    await view.settled();

    expect(await screen.findByRole('link', { name: 'Sign in' })).toHaveAttribute('href', '/sign-in');
  });
});
