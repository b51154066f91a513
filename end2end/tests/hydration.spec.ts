import { test, expect, waitForHydration } from './fixtures';

test('the release build hydrates under the strict Content-Security-Policy', async ({ page }) => {
  const response = await page.goto('/');
  const csp = response?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("script-src 'self' 'nonce-");
  expect(csp).not.toContain('strict-dynamic');
  await waitForHydration(page);
});

test('pages load nothing from other sites', async ({ page, baseURL }) => {
  const foreign: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin !== new URL(baseURL!).origin && url.protocol !== 'data:') foreign.push(request.url());
  });
  for (const path of ['/', '/category/home-living', '/product/wool-throw-blanket', '/search?q=tea', '/privacy']) {
    await page.goto(path);
    await waitForHydration(page);
  }
  expect(foreign).toEqual([]);
});
