// Account steps several journeys share: registering, confirming by the mailed link, signing in.
import { expect, waitForHydration } from './fixtures';
import type { Browser, Page } from '@playwright/test';

// The staff account serve-for-tests.sh creates with `server admin create`.
export const STAFF = { email: 'staff@sop-store.test', password: 'staff e2e passphrase' };
export const PASSWORD = 'correct horse battery staple';

export const unique = (who: string) => `${who}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@example.com`;

// Fills in and submits the sign-in form; what follows is for the caller to check.
export async function signIn(page: Page, email: string, password: string) {
  await page.goto('/account/sign-in');
  await waitForHydration(page);
  await page.getByLabel('Email address').first().fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Reads the newest message to `to` in the staff outbox (no SMTP: mail is held there) and
// returns the path of its first link starting with `path`.
export async function linkFromOutbox(browser: Browser, to: string, path: string): Promise<string> {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const staff = await context.newPage();
  await signIn(staff, STAFF.email, STAFF.password);
  await expect(staff).toHaveURL(/\/account$/);
  await staff.goto('/admin/outbox');
  await staff.locator('tr', { hasText: to }).first().getByRole('link').click();
  const body = await staff.locator('[data-mail-body]').innerText();
  await context.close();
  const match = body.match(new RegExp(`https?://[^/\\s]+(${path.replace(/[?]/g, '\\?')}[^\\s]*)`));
  expect(match, `a ${path} link in: ${body}`).not.toBeNull();
  return match![1];
}

export async function register(page: Page, name: string, email: string) {
  await page.goto('/account/register');
  await waitForHydration(page);
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
}

export async function confirm(page: Page, browser: Browser, email: string) {
  await page.goto(await linkFromOutbox(browser, email, '/account/confirm-email?token='));
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await expect(page.getByText('Your email address is confirmed')).toBeVisible();
}
