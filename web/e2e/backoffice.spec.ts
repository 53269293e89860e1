// The back office in a real browser: a product from nothing to the shop window, and the edits that reach shoppers.
import { expect, test } from '@playwright/test';
import { admin, signIn } from './support';

// A real 2×2 PNG: the catalog checks the bytes, not the file name.
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP438AARAwQCgAt7gX9iz9uhAAAAABJRU5ErkJggg==',
  'base64',
);

test('an admin creates a product with a variant, an image and stock, and shoppers can buy it', async ({ page, browser }) => {
  const id = Date.now().toString(36);
  const name = `Amber Lantern ${id}`;
  const sku = `E2E-LANTERN-${id.toUpperCase()}`;
  await signIn(page, admin.email, admin.password);

  await page.goto('/admin/products/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Brand').fill('Lumen & Co');
  await page.getByLabel('Category').selectOption({ index: 1 });
  await page.getByLabel('Description').fill('A hand-blown glass lantern with a brass handle.');
  await page.getByRole('button', { name: 'Create product' }).click();
  await expect(page).toHaveURL(/\/admin\/products\/[0-9a-f-]{36}$/);

  const variant = page.getByRole('form', { name: 'Add variant' });
  await variant.getByLabel('SKU').fill(sku);
  await variant.getByLabel('Options (one name=value per line)').fill('colour=Amber');
  await variant.getByLabel('Price (EUR)', { exact: true }).fill('24.50');
  await variant.getByLabel('Weight (grams)').fill('300');
  await variant.getByLabel('Starting stock').fill('0');
  await variant.getByRole('button', { name: 'Add variant' }).click();
  await expect(page.getByRole('button', { name: `Edit variant ${sku}` })).toBeVisible();

  await page.getByLabel('Image file').setInputFiles({ name: 'lantern.png', mimeType: 'image/png', buffer: png });
  await page.getByLabel('Alt text', { exact: true }).fill('Amber glass lantern, lit');
  await page.getByRole('button', { name: 'Upload image' }).click();
  await expect(page.getByRole('img', { name: 'Amber glass lantern, lit' })).toBeVisible();

  // A draft until it has something to sell: now it goes live.
  await page.getByLabel('Status').selectOption('active');
  await page.getByRole('button', { name: 'Save product' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved: version' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'View in shop' })).toBeVisible();

  // No stock yet: the shop says so. Then the admin books a delivery, with its reason.
  const slug = await page.getByLabel('Slug').inputValue();
  const shopper = await browser.newPage();
  await shopper.goto(`/p/${slug}`);
  await expect(shopper.getByRole('heading', { level: 1 })).toHaveText(name);
  await expect(shopper.locator('.purchase [role="status"]')).toHaveText('Out of stock');

  await page.goto('/admin/inventory');
  await page.getByLabel('SKU or product').fill(sku);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await page.getByRole('button', { name: `Manage ${sku}` }).click();
  const adjust = page.getByRole('form', { name: `Adjust stock of ${sku}` });
  await adjust.getByLabel('Change in stock').fill('12');
  await adjust.getByLabel('Reason').fill('Delivery from Lumen & Co');
  await adjust.getByRole('button', { name: 'Adjust stock' }).click();
  await expect(page.getByRole('cell', { name: 'Delivery from Lumen & Co' })).toBeVisible();

  await shopper.reload();
  await expect(shopper.locator('.purchase [role="status"]')).toHaveText('In stock');
  await expect(shopper.locator('.price')).toContainText('€24.50');
  await expect(shopper.getByRole('img', { name: 'Amber glass lantern, lit' })).toBeVisible();
  await shopper.getByRole('button', { name: 'Add to cart' }).click();
  await expect(shopper.getByText('Added to your cart.')).toBeVisible();
});

test('the search box works from the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab'); // the skip link comes first
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Tab'); // the logo
  await page.keyboard.press('Tab');
  const search = page.getByRole('combobox', { name: 'Search products' });
  await expect(search).toBeFocused();
  await page.keyboard.type('griddle');
  await expect(page.getByRole('listbox', { name: 'Suggestions' })).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(search).toHaveAttribute('aria-activedescendant', /.+/);
  const chosen = await page.getByRole('option', { selected: true }).textContent();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(chosen!);
});
