import { test, expect, waitForHydration, consentBits } from './fixtures';

const banner = (page: import('@playwright/test').Page) => page.locator('[data-consent-banner]');

// B01: nothing but strictly necessary cookies (here: none at all) before a choice.
test('B01 a first visit sets no cookie and shows the banner', async ({ page, context }) => {
  await page.goto('/category/tea-coffee');
  await expect(banner(page)).toBeVisible();
  expect(await context.cookies()).toEqual([]);
});

// B02: Accept all and Reject all are the same kind of button with the same styling.
test('B02 reject all is as prominent as accept all', async ({ page }) => {
  await page.goto('/');
  const accept = banner(page).getByRole('button', { name: 'Accept all' });
  const reject = banner(page).getByRole('button', { name: 'Reject all' });
  expect(await accept.getAttribute('class')).toBe(await reject.getAttribute('class'));
  const [a, r] = [await accept.boundingBox(), await reject.boundingBox()];
  expect(Math.round(r!.height)).toBe(Math.round(a!.height));
  await expect(banner(page).getByRole('link', { name: 'Choose' })).toHaveAttribute('href', '/cookies');
});

test('hydrated, Reject all closes the banner in place and remembers the choice', async ({ page, context }) => {
  await page.goto('/category/home-living');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await expect(banner(page)).toBeHidden();
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  const cookies = await context.cookies();
  expect(cookies.map((c) => c.name)).toEqual(['sop_consent']);
  expect(consentBits(cookies[0].value)).toBe('000');
  await page.reload();
  await expect(banner(page)).toHaveCount(0);
});

test.describe('with JavaScript turned off', () => {
  test.use({ javaScriptEnabled: false });

  // B09: the banner is a plain form that returns to the same page.
  test('B09 Accept all posts the form and comes back to the same page without the banner', async ({ page, context }) => {
    await page.goto('/product/glass-teapot');
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await expect(page).toHaveURL(/\/product\/glass-teapot\??$/);
    await expect(banner(page)).toHaveCount(0);
    const cookies = await context.cookies();
    expect(consentBits(cookies[0].value)).toBe('111');
  });

  // B04: changing your mind is one form away, and nothing is pre-ticked.
  test('B04 preferences save a custom choice without JavaScript', async ({ page, context }) => {
    await page.goto('/cookies');
    for (const box of await page.getByRole('checkbox').all()) await expect(box).not.toBeChecked();
    await page.getByLabel('Allow analytical / performance cookies').check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await expect(page).toHaveURL(/\/cookies\??$/);
    const cookies = await context.cookies();
    expect(consentBits(cookies[0].value)).toBe('100');
    await expect(banner(page)).toHaveCount(0);
  });
});

test.describe('with Global Privacy Control', () => {
  test.use({ extraHTTPHeaders: { 'Sec-GPC': '1' } });

  // B05: the signal is a refusal, recorded before the first page, and the page says so.
  test('B05 a GPC browser is never asked and gets no optional cookie', async ({ page, context }) => {
    await page.goto('/');
    await expect(page.locator('[data-gpc-notice]')).toBeVisible();
    await expect(banner(page)).toHaveCount(0);
    await waitForHydration(page);
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(['sop_consent']);
    expect(consentBits(cookies[0].value)).toBe('000');
  });
});
