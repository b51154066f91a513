import { test as base, expect, Page } from '@playwright/test';

type Options = {
  // Console errors a test expects, such as the browser's note about a 404 or 400 answer.
  expectedConsoleErrors: RegExp[];
};

// Every test fails on any console error or uncaught page error it did not declare.
export const test = base.extend<Options & { consoleErrors: string[] }>({
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
});

export { expect };

export const statusError = (status: number) =>
  new RegExp(`^Failed to load resource: the server responded with a status of ${status} `);

// Hydration done: the wasm ran and its effects (data-hydrated on <html>) took hold.
export async function waitForHydration(page: Page) {
  await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
}
