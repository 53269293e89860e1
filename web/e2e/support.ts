// Helpers for the browser tests: demo accounts, the mailbox folder, screenshots and accessibility scans.
import fs from 'node:fs/promises';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export const admin = {
  email: process.env.BAZAAR_ADMIN_EMAIL ?? 'admin@bazaar.test',
  password: process.env.BAZAAR_ADMIN_PASSWORD ?? 'Bazaar-Admin-2026',
};

/** A shopper nobody has used before, so runs never collide. */
export function newShopper() {
  const id = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  return { name: `Shopper ${id}`, email: `shopper-${id}@example.com`, password: `Correct-Horse-${id}` };
}

export const artefacts = process.env.BAZAAR_E2E_ARTIFACTS ?? path.resolve('test-results');

export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/**
 * The newest e-mail to an address in the mailbox folder the platform writes to (./bazaar up: $BAZAAR_HOME/mailbox),
 * waiting for the outbox dispatcher to deliver it.
 */
export async function waitForMail(to: string, subjectIncludes: string): Promise<string> {
  const folder = process.env.BAZAAR_MAILBOX;
  if (!folder) throw new Error('BAZAAR_MAILBOX is not set: the mailbox folder of the platform under test');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const names = (await fs.readdir(folder).catch(() => [])).filter((n) => n.endsWith('.eml')).sort().reverse();
    for (const name of names) {
      const text = await fs.readFile(path.join(folder, name), 'utf8');
      if (text.includes(`To: ${to}`) && decodedSubject(text).includes(subjectIncludes)) return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`no e-mail to ${to} about "${subjectIncludes}" arrived within 30 s`);
}

function decodedSubject(mail: string): string {
  const line = mail.split(/\r?\n/).find((l) => l.startsWith('Subject: ')) ?? '';
  const encoded = /^Subject: =\?utf-8\?B\?(.*)\?=$/i.exec(line);
  return encoded ? Buffer.from(encoded[1]!, 'base64').toString('utf8') : line.slice('Subject: '.length);
}

/** The body of a mailbox e-mail (plain text, 8bit: see EmailSenders.Render). */
export function mailText(mail: string): string {
  const split = mail.search(/\r?\n\r?\n/);
  return split < 0 ? '' : mail.slice(split).trim();
}

/** No serious or critical WCAG 2 A/AA violation on the page as it is now. */
export async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  expect(report, `accessibility of ${name}`).toEqual([]);
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(artefacts, 'screenshots', `${name}.png`), fullPage: true });
}
