import { Page } from '@playwright/test';
import { test, expect, waitForHydration } from './fixtures';
import { unique, register, confirm } from './accounts';
import { addToBasket, basketLink, fillCheckout, placeOrder, shopper, CARDS } from './shop';

// P14, P28 (issue 21): with every optional tag consented, a page with personal data (basket,
// checkout, order, account, sign-in, reset, confirmation) runs no tag, and no request to another
// site ever carries a token, a key, an order number, an e-mail address or such a page's address:
// neither in its URL, nor in its Referer, nor from a personal page itself. Every request that
// leaves our origin is watched; the tag hosts are answered by stubs (fixtures.ts).

const ALL_TAGS_MARKER = 'google-analytics facebook-pixel linkedin-insight';
const PERSONAL_PAGE = /\/(account|checkout|basket|orders|admin)(\/|\?|$)/;
const SECRET = /token=|key=|SOP-[A-Z0-9]{4}-[A-Z0-9]{4}|@|%40/;

type Foreign = { url: string; referer: string; from: string };

function watchThirdParties(page: Page, baseURL: string): Foreign[] {
  const foreign: Foreign[] = [];
  const ours = new URL(baseURL).origin;
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === ours || url.protocol === 'data:') return;
    foreign.push({ url: request.url(), referer: request.headers()['referer'] ?? '', from: request.frame().url() });
  });
  return foreign;
}

const tagsRan = (page: Page) => page.evaluate(() => ((window as any).__tagsRan ?? []).length);

// A personal page as it arrives: no tag loader, no tag ran, and the page says it runs none.
async function expectNoTags(page: Page) {
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', '');
  await expect(page.locator('script[data-sop-tag]')).toHaveCount(0);
  expect(await tagsRan(page), page.url()).toBe(0);
}

test('P14 P28 with every tag consented, no third party sees a personal page, a token or an order number', async ({ page, browser, baseURL }) => {
  test.setTimeout(120_000);
  const foreign = watchThirdParties(page, baseURL!);

  // Every tag consented on the storefront, where they run.
  await page.goto('/product/cotton-cushion-cover');
  await waitForHydration(page);
  await page.locator('[data-consent-banner]').getByRole('button', { name: 'Accept all' }).click();
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', ALL_TAGS_MARKER);
  await expect.poll(() => tagsRan(page)).toBe(3);

  // Hydrated, a link from a page running tags to a personal page loads a new document (with
  // no tags), rather than showing it inside the page whose tags are running.
  await addToBasket(page, 'cotton-cushion-cover');
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', ALL_TAGS_MARKER);
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  await basketLink(page).click();
  await expect(page).toHaveURL(/\/basket$/);
  await waitForHydration(page);
  expect(await page.evaluate(() => (window as any).__samePage), 'a fresh document').toBeUndefined();
  await expectNoTags(page);

  // Checkout and the order page (its address holds the order number and its key).
  await page.goto('/checkout');
  await waitForHydration(page);
  await expectNoTags(page);
  await fillCheckout(page, shopper('tess', 'Tess Tag'), 'standard', CARDS.visa);
  const order = await placeOrder(page);
  await expectNoTags(page);

  // Leaving the order page for the storefront: the tags run again, but learn nothing of where
  // the shopper came from (the page hides the order page's address from them).
  await page.evaluate(() => {
    window.location.href = '/category/home-living';
  });
  await expect(page).toHaveURL(/\/category\/home-living$/);
  await expect.poll(() => tagsRan(page)).toBe(3);
  expect(await page.evaluate(() => document.referrer), 'the order page is hidden from the tags').toBe(`${new URL(baseURL!).origin}/`);

  // Account pages, including those whose address carries a one-time token.
  const email = unique('tess');
  await register(page, 'Tess Tag', email);
  await expectNoTags(page);
  await confirm(page, browser, email);
  await expectNoTags(page);
  for (const path of ['/account/sign-in', '/account/reset']) {
    await page.goto(path);
    await waitForHydration(page);
    await expectNoTags(page);
  }

  expect(foreign.length, 'the tags did run on the storefront').toBeGreaterThan(0);
  for (const request of foreign) {
    expect(request.from, `${request.url} was sent from a personal page`).not.toMatch(PERSONAL_PAGE);
    expect(request.url, 'a third-party URL').not.toMatch(SECRET);
    expect(request.url, 'a third-party URL').not.toContain(order.number);
    expect(request.referer, `the Referer of ${request.url}`).not.toMatch(SECRET);
    expect(new URL(request.referer || 'http://x/').pathname, `the Referer of ${request.url} names a page`).toBe('/');
  }
});
