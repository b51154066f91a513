import { Page } from '@playwright/test';
import { test, expect, waitForHydration, consentBits, TAG_COOKIE_NAMES, TagKey } from './fixtures';

// The optional tags (Google Analytics, Facebook Pixel, LinkedIn Insight Tag) are configured with
// fake ids (serve-for-tests.sh) and every request to their hosts is answered by a stub that
// sets the tag's first-party cookie (fixtures.ts), so these tests see exactly what would load.

const banner = (page: Page) => page.locator('[data-consent-banner]');
// Sorted, as tagsRan() reports them; the page's <meta name="sop-tags"> lists them in registry order.
const ALL_TAGS: TagKey[] = ['facebook-pixel', 'google-analytics', 'linkedin-insight'];
const ALL_TAGS_MARKER = 'google-analytics facebook-pixel linkedin-insight';

// Every request that leaves our own origin, whatever its host.
function thirdPartyRequests(page: Page, baseURL: string) {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== new URL(baseURL).origin && url.protocol !== 'data:') foreign.push(request.url());
  });
  return foreign;
}

const cookieNames = async (page: Page) => (await page.context().cookies()).map((c) => c.name).sort();
const tagsRan = (page: Page) => page.evaluate(() => ((window as any).__tagsRan ?? []).slice().sort());

// B01, P11, P14, P29: before a choice and after "Reject all", no third-party request and no optional cookie.
test('B01 P29 nothing loads from a tag host and no optional cookie is set before a choice or after Reject all', async ({ page, baseURL, tagRequests }) => {
  const foreign = thirdPartyRequests(page, baseURL!);
  for (const path of ['/', '/category/tea-coffee', '/product/glass-teapot', '/privacy']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  expect(await page.context().cookies()).toEqual([]);

  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await expect(banner(page)).toBeHidden();
  for (const path of ['/', '/search?q=tea', '/cookies']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  expect(await cookieNames(page)).toEqual(['sop_consent']);
  expect(consentBits((await page.context().cookies())[0].value)).toBe('000');
  expect(tagRequests).toEqual([]);
  expect(foreign).toEqual([]);
  expect(await tagsRan(page)).toEqual([]);
});

// P11, P29: "Accept all" starts every configured tag (the page reloads under a policy that allows them).
test('P11 P29 the tags load after Accept all and set their cookies', async ({ page, tagRequests }) => {
  await page.goto('/category/home-living');
  await waitForHydration(page);
  expect(tagRequests).toEqual([]);
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', ALL_TAGS_MARKER);
  await expect.poll(() => tagsRan(page)).toEqual(ALL_TAGS);
  await expect(banner(page)).toHaveCount(0);
  await expect(page).toHaveURL(/\/category\/home-living$/);
  expect(new Set(tagRequests.map((r) => r.tag))).toEqual(new Set(ALL_TAGS));
  expect(tagRequests.some((r) => r.url.startsWith('https://www.googletagmanager.com/gtag/js?id=G-E2ETEST01'))).toBe(true);
  await expect.poll(() => cookieNames(page)).toEqual([...TAG_COOKIE_NAMES, 'sop_consent'].sort());
});

// P11: choosing only analytics runs Google Analytics and nothing for targeting.
test('P11 allowing only analytical cookies loads Google Analytics alone', async ({ page, tagRequests }) => {
  await page.goto('/cookies');
  await waitForHydration(page);
  await page.getByLabel('Allow analytical / performance cookies').check();
  await page.getByRole('button', { name: 'Save my choices' }).click();
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', 'google-analytics');
  await expect.poll(() => tagsRan(page)).toEqual(['google-analytics']);
  expect(new Set(tagRequests.map((r) => r.tag))).toEqual(new Set(['google-analytics']));
});

// B04: withdrawing on /cookies stops the tags at once and removes their cookies.
test('B04 after withdrawal on the preferences page the tags stop loading and their cookies are gone', async ({ page, tagRequests }) => {
  await page.goto('/');
  await waitForHydration(page);
  await banner(page).getByRole('button', { name: 'Accept all' }).click();
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', ALL_TAGS_MARKER);
  await expect.poll(() => tagsRan(page)).toEqual(ALL_TAGS);
  await expect.poll(async () => (await cookieNames(page)).length).toBe(TAG_COOKIE_NAMES.length + 1);

  await page.goto('/cookies');
  await waitForHydration(page);
  await expect.poll(() => tagsRan(page)).toEqual(ALL_TAGS);
  // Nothing ticked: every optional category refused.
  await page.getByRole('button', { name: 'Save my choices' }).click();
  await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', '');
  expect(await cookieNames(page)).toEqual(['sop_consent']);
  expect(consentBits((await page.context().cookies())[0].value)).toBe('000');

  const before = tagRequests.length;
  for (const path of ['/', '/category/tea-coffee', '/cookies']) {
    await page.goto(path);
    await waitForHydration(page);
    expect(await tagsRan(page)).toEqual([]);
  }
  expect(tagRequests.length, 'no tag request after the withdrawal').toBe(before);
  expect(await cookieNames(page)).toEqual(['sop_consent']);
});

test.describe('the Content-Security-Policy', () => {
  test.use({ expectedConsoleErrors: [/^Loading the script 'https:\/\/connect\.facebook\.net\/.* violates the following Content Security Policy directive/] });

  // B01, P29, belt and braces: even a script that tries to load a tag the visitor has not
  // allowed is refused by the browser, because this response's policy does not list its host.
  test('B01 P29 the browser refuses a targeting tag when only analytics is allowed', async ({ page, tagRequests }) => {
    await page.goto('/cookies');
    await waitForHydration(page);
    await page.getByLabel('Allow analytical / performance cookies').check();
    await page.getByRole('button', { name: 'Save my choices' }).click();
    await expect(page.locator('meta[name=sop-tags]')).toHaveAttribute('content', 'google-analytics');
    await waitForHydration(page);
    const refused = page.waitForEvent('console', (msg) => msg.text().includes('violates the following Content Security Policy'));
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.src = 'https://connect.facebook.net/en_US/fbevents.js';
      document.head.append(script);
    });
    await refused;
    expect(tagRequests.filter((r) => r.tag !== 'google-analytics')).toEqual([]);
  });
});

// A choice that changes no tag closes the banner in place, without a reload.
test('a choice that starts no tag closes the banner in place', async ({ page, tagRequests }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.evaluate(() => ((window as any).__samePage = true));
  await banner(page).getByRole('button', { name: 'Reject all' }).click();
  await expect(banner(page)).toBeHidden();
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);
  expect(tagRequests).toEqual([]);
});

// STYLE.md: keyboard users reach the banner first.
test('the first Tab lands in the cookie banner, before the skip link', async ({ page }) => {
  await page.goto('/product/glass-teapot');
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  await expect(banner(page).getByRole('button', { name: 'Accept all' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(banner(page).getByRole('button', { name: 'Reject all' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(banner(page).getByRole('link', { name: 'Choose' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to main content' })).toBeFocused();
  await expect(banner(page)).toHaveAttribute('aria-labelledby', 'consent-banner-title');
});

test.describe('with the wasm blocked', () => {
  // The hydration module fails to fetch the wasm: the browser reports it, and nothing else may
  // fail. (One pattern: test.use reads a two-element array as a value and its options.)
  test.use({ expectedConsoleErrors: [/^(Failed to load resource: net::ERR_FAILED|pageerror: Failed to fetch)$/] });

  test.beforeEach(async ({ page }) => {
    await page.route('**/*.wasm', (route) => route.abort());
  });

  // B09: the banner is a plain form that works without the app.
  test('B09 Reject all still works as a form post and the choice sticks', async ({ page, tagRequests }) => {
    await page.goto('/category/garden-outdoor');
    await banner(page).getByRole('button', { name: 'Reject all' }).click();
    await expect(page).toHaveURL(/\/category\/garden-outdoor\??$/);
    await expect(banner(page)).toHaveCount(0);
    expect(await page.evaluate(() => document.documentElement.dataset.hydrated)).toBeUndefined();
    expect(consentBits((await page.context().cookies())[0].value)).toBe('000');
    await page.goto('/');
    await expect(banner(page)).toHaveCount(0);
    expect(tagRequests).toEqual([]);
  });

  // P11, P29: the server injects the consented tags into the page, so they run without the app.
  test('P11 P29 Accept all as a form post loads the tags from the server-rendered page', async ({ page }) => {
    await page.goto('/privacy');
    await banner(page).getByRole('button', { name: 'Accept all' }).click();
    await expect(page).toHaveURL(/\/privacy\??$/);
    await expect(banner(page)).toHaveCount(0);
    await expect.poll(() => tagsRan(page)).toEqual(ALL_TAGS);
    expect(consentBits((await page.context().cookies()).find((c) => c.name === 'sop_consent')!.value)).toBe('111');
  });
});
