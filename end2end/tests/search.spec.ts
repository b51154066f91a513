import { test, expect, waitForHydration } from './fixtures';

test('results follow typing without a full page reload', async ({ page }) => {
  await page.goto('/search');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  await page.getByLabel('Search for').pressSequentially('kettle', { delay: 30 });
  await expect(page.getByRole('heading', { name: 'Results for “kettle”' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('2 products found');
  await expect(page.locator('.product-card__name').first()).toHaveText('Copper Kettle');
  await expect(page).toHaveURL(/\/search\?q=kettle$/);
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  // The search field kept focus while the results changed.
  await expect(page.getByLabel('Search for')).toBeFocused();
});

test('filters narrow the results when hydrated', async ({ page }) => {
  await page.goto('/search?q=tea');
  await waitForHydration(page);
  await page.getByLabel('Category').selectOption('tea-coffee');
  await page.getByLabel('Highest price (£)').fill('10');
  await page.getByLabel('Highest price (£)').press('Enter');
  await expect(page.getByRole('status')).toHaveText('2 products found');
  await expect(page).toHaveURL(/category=tea-coffee/);
  await expect(page).toHaveURL(/max=10/);
});

test.describe('a bad price', () => {
  test('is explained beside the field, with a summary linking to it', async ({ page }) => {
  await page.goto('/search');
  await waitForHydration(page);
  await page.getByLabel('Lowest price (£)').fill('ten');
  await page.getByRole('button', { name: 'Search', exact: true }).last().click();
  const summary = page.getByRole('alert').filter({ hasText: 'There is a problem' });
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('link')).toHaveAttribute('href', '#search-min');
  await expect(page.locator('#search-min-error')).toContainText('Enter a price in pounds');
  await expect(page.getByLabel('Lowest price (£)')).toHaveValue('ten');
  });
});

test.describe('with JavaScript turned off', () => {
  test.use({ javaScriptEnabled: false });

  test('the header search is a plain form that works', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('searchbox', { name: 'Search the store' }).fill('oak board');
    await page.getByRole('searchbox', { name: 'Search the store' }).press('Enter');
    await expect(page).toHaveURL(/\/search\?q=oak\+board$/);
    await expect(page.getByRole('heading', { name: 'Results for “oak board”' })).toBeVisible();
    await expect(page.locator('.product-card__name').first()).toHaveText('Oak Chopping Board');
  });

  test('filters and errors work as plain GET forms', async ({ page }) => {
    await page.goto('/search?q=tea');
    await page.getByLabel('Category').selectOption('tea-coffee');
    await page.getByLabel('Lowest price (£)').fill('20');
    await page.getByLabel('Highest price (£)').fill('10');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    await expect(page.getByRole('alert').filter({ hasText: 'There is a problem' })).toContainText(
      'The lowest price must not be more than the highest price',
    );
    await page.getByLabel('Lowest price (£)').fill('');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    await expect(page.getByRole('status')).toHaveText('2 products found');
  });
});
