import { test, expect, statusError, waitForHydration } from './fixtures';

test('a shopper browses from the home page to a category and a product', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Everyday goods, made to last');
  await expect(page.getByRole('list', { name: 'Featured products' }).getByRole('listitem')).toHaveCount(8);

  await page.getByRole('link', { name: /Tea & Coffee/ }).click();
  await expect(page).toHaveURL(/\/category\/tea-coffee$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tea & Coffee');
  await expect(page.getByRole('list', { name: 'Products in Tea & Coffee' }).getByRole('listitem')).toHaveCount(8);

  await page.getByRole('link', { name: 'Glass Teapot' }).click();
  await expect(page).toHaveURL(/\/product\/glass-teapot$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Glass Teapot');
  await expect(page.locator('.product__price')).toContainText('£28.00');
  await expect(page.getByRole('img', { name: 'Glass Teapot' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Tea & Coffee' })).toBeVisible();
});

test('choosing a sort order reorders the category without a full reload', async ({ page }) => {
  await page.goto('/category/kitchen-dining');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  await page.getByLabel('Sort by').selectOption('price-asc');
  await expect(page).toHaveURL(/sort=price-asc/);
  const names = page.locator('.product-card__name');
  await expect(names.first()).toHaveText('Glass Storage Jars');
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
});

test.describe('a missing product', () => {
  test.use({ expectedConsoleErrors: [statusError(404)] });

  test('shows a not-found page with status 404', async ({ page }) => {
    const response = await page.goto('/product/no-such-product');
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Product not found');
  });
});

// P01: the operator's identity is in the footer of every page.
test('P01 the footer names the operator', async ({ page }) => {
  await page.goto('/category/garden-outdoor');
  const footer = page.getByRole('contentinfo');
  await expect(footer).toContainText('SOP International LTD');
  await expect(footer).toContainText('1865316');
  await expect(footer).toContainText('ICON, Grafton House, Third Ave, Harlow CM19 5AW');
  await expect(footer.getByRole('link', { name: 'Privacy & cookies policy' })).toHaveAttribute('href', '/privacy');
});
