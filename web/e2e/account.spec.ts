import { expect, test } from '@playwright/test';
import { mailText, newShopper, signIn, waitForMail } from './support';

test('forgot and reset password through the link in the mailbox e-mail', async ({ page }) => {
  const shopper = newShopper();
  await page.goto('/register');
  await page.getByLabel('Your name').fill(shopper.name);
  await page.getByLabel('E-mail address').fill(shopper.email);
  await page.getByLabel('Password', { exact: true }).fill(shopper.password);
  await page.getByLabel('Confirm password').fill(shopper.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('link', { name: 'Sign in' })).toBeVisible();

  await page.goto('/sign-in');
  await page.getByRole('link', { name: /forgot your password/i }).click();
  // Wait for the new page: the sign-in form's own e-mail field is there until it has rendered.
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await page.getByLabel('E-mail address').fill(shopper.email);
  await page.getByRole('button', { name: 'Send the link' }).click();
  await expect(page.getByRole('status')).toContainText(`If an account exists for ${shopper.email}`);

  const mail = mailText(await waitForMail(shopper.email, 'password'));
  const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(mail)?.[0];
  expect(link, 'the e-mail carries a reset link').toBeTruthy();
  const target = new URL(link!);
  await page.goto(target.pathname + target.search);

  const newPassword = `${shopper.password}-renewed`;
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Save the new password' }).click();
  await expect(page.getByRole('status')).toContainText('Your password has been changed');

  await signIn(page, shopper.email, newPassword);
});

test('a wrong password is refused with a sentence next to the form', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill('nobody@example.com');
  await page.getByLabel('Password', { exact: true }).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toContainText(/password|e-mail/i);
});

test('an unknown address shows the 404 page', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await page.goto('/p/no-such-product-anywhere');
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});
