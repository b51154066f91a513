import { test as base, expect, Page, Route } from '@playwright/test';

type Options = {
  // Console errors a test expects, such as the browser's note about a 404 or 400 answer.
  expectedConsoleErrors: RegExp[];
};

// The optional tags' hosts (app/src/domain/tags.rs; ids set in serve-for-tests.sh). No test
// ever reaches them: every request is answered here by a stub and recorded.
export const TAG_ORIGINS = {
  'google-analytics': ['https://www.googletagmanager.com', 'https://region1.google-analytics.com', 'https://www.google-analytics.com'],
  'facebook-pixel': ['https://connect.facebook.net', 'https://www.facebook.com'],
  'linkedin-insight': ['https://snap.licdn.com', 'https://px.ads.linkedin.com', 'https://www.linkedin.com'],
} as const;
export type TagKey = keyof typeof TAG_ORIGINS;

// What each stub script does in place of the real library: set the first-party cookie the real
// tag sets (document.cookie, on our own site, as the real scripts do) and say it ran.
const STUB_COOKIES: Record<TagKey, string[]> = {
  'google-analytics': ['_ga=GA1.1.123.456', '_ga_E2ETEST01=GS1.1.1'],
  'facebook-pixel': ['_fbp=fb.1.123.456'],
  'linkedin-insight': ['li_fat_id=e2e-click'],
};
export const TAG_COOKIE_NAMES = Object.values(STUB_COOKIES).flat().map((c) => c.split('=')[0]);

export type TagRequest = { tag: TagKey; url: string };

function stubScript(tag: TagKey) {
  const sets = STUB_COOKIES[tag].map((c) => `document.cookie=${JSON.stringify(`${c}; path=/; max-age=63072000`)};`);
  return `${sets.join('')}(window.__tagsRan=window.__tagsRan||[]).push(${JSON.stringify(tag)});`;
}

// Every test fails on any console error or uncaught page error it did not declare.
export const test = base.extend<Options & { consoleErrors: string[]; tagRequests: TagRequest[] }>({
  expectedConsoleErrors: [[], { option: true }],
  consoleErrors: [
    async ({ page, expectedConsoleErrors }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
      await use(errors);
      const unexpected = errors.filter((text) => !expectedConsoleErrors.some((re) => re.test(text)));
      expect(unexpected, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
  // Intercepts every request to a tag host (B01, P14): scripts get the stub, beacons a 204.
  tagRequests: [
    async ({ page }, use) => {
      const requests: TagRequest[] = [];
      for (const [tag, origins] of Object.entries(TAG_ORIGINS) as [TagKey, readonly string[]][]) {
        for (const origin of origins) {
          await page.route(`${origin}/**`, (route: Route) => {
            requests.push({ tag, url: route.request().url() });
            if (route.request().resourceType() === 'script') {
              return route.fulfill({ status: 200, contentType: 'application/javascript', body: stubScript(tag) });
            }
            return route.fulfill({ status: 204 });
          });
        }
      }
      await use(requests);
    },
    { auto: true },
  ],
});

export { expect };

export const statusError = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status} `);

// Hydration done: the wasm ran and its effects took hold, on the app (data-hydrated on <html>)
// and on every form with a hydrated submit handler (data-enhanced from the server, data-hydrated
// once live; app/src/components/hydration.rs). A lazy route or a <Suspense> hydrates after the
// app shell, so the <html> mark alone does not mean a form's button posts in place.
export async function waitForHydration(page: Page) {
  await page.waitForFunction(
    () =>
      document.documentElement.dataset.hydrated === 'true' &&
      document.querySelectorAll('form[data-enhanced]:not([data-hydrated])').length === 0,
  );
}

// The choices in the consent cookie's value (v2.<id>.<version>.<time>.<bits>.<signature>).
export function consentBits(value: string) {
  return value.split('.')[4];
}
