// Accessibility scans and screenshots of the main pages, at phone and desktop widths.
import { expect, test, type Page } from '@playwright/test';
import { admin, expectAccessible, screenshot, signIn } from './support';

const widths = [
  { name: 'phone', viewport: { width: 390, height: 844 } },
  { name: 'desktop', viewport: { width: 1280, height: 800 } },
];

/** The first search result's address and the name its card shows, which the product page's h1 repeats. */
async function firstProduct(page: Page): Promise<{ path: string; name: string }> {
  await page.goto('/search?q=pan');
  const card = page.locator('.product-card').first();
  const href = await card.locator('a').getAttribute('href');
  const name = (await card.locator('h3').textContent())?.trim();
  expect(name, 'the first product card shows a name').toBeTruthy();
  return { path: href!, name: name! };
}

for (const { name, viewport } of widths) {
  test(`main pages are accessible and captured (${name})`, async ({ page }) => {
    await page.setViewportSize(viewport);
    const product = await firstProduct(page);
    const pages: [string, string, string][] = [
      ['home', '/', 'Welcome to Bazaar'],
      ['category', '/c/clothing', 'Clothing'],
      ['search', '/search?q=pan', 'Results for'],
      ['product', product.path, product.name],
      ['cart', '/cart', 'Your cart'],
      ['sign-in', '/sign-in', 'Sign in'],
      ['register', '/register', 'Create an account'],
      ['not-found', '/nothing-here', 'Page not found'],
    ];
    for (const [label, path, heading] of pages) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toContainText(heading);
      await expect(page.locator('.spinner')).toHaveCount(0);
      await expectAccessible(page, label);
      await screenshot(page, `${label}-${name}`);
    }
  });
}

test('signed-in and back office pages are accessible and captured', async ({ page }) => {
  await signIn(page, admin.email, admin.password);
  for (const { name, viewport } of widths) {
    await page.setViewportSize(viewport);
    for (const [label, path] of [
      ['orders', '/orders'],
      ['account', '/account'],
      ['admin-dashboard', '/admin'],
      ['admin-orders', '/admin/orders'],
      ['admin-products', '/admin/products'],
    ] as const) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
      await expect(page.locator('.spinner')).toHaveCount(0);
      await expectAccessible(page, label);
      await screenshot(page, `${label}-${name}`);
    }
  }
});
