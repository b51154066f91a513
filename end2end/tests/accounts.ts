// Account steps several journeys share: registering, confirming by the mailed link, signing in.
import { test, expect, waitForHydration } from './fixtures';
import type { Browser, Page } from '@playwright/test';
import { execFileSync } from 'child_process';
import { createHmac } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

// The same binary and database serve-for-tests.sh starts the store with.
const ROOT = path.join(__dirname, '..', '..');
const SERVER_BIN = process.env.SOP_SERVER_BIN ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(ROOT, 'target'), 'release', 'server');
const E2E_DATABASE_URL = `sqlite://${path.join(__dirname, '..', '.e2e-data', 'store.db')}`;

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

// The newest message to `to` as its recipient gets it, read the way an operator without a mail
// server does: `server mail show` on the store's own database (serve-for-tests.sh). Staff in
// the web outbox never see a one-time link (issue 21, S1). Returns the path of its first link
// starting with `path`.
export async function linkFromOutbox(_browser: Browser, to: string, linkPath: string): Promise<string> {
  const body = execFileSync(SERVER_BIN, ['mail', 'show', '--to', to], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, DEMO_DATA: 'false', RUST_LOG: 'warn' },
    encoding: 'utf8',
  });
  const match = body.match(new RegExp(`https?://[^/\\s]+(${linkPath.replace(/[?]/g, '\\?')}[^\\s]*)`));
  expect(match, `a ${linkPath} link in: ${body}`).not.toBeNull();
  return match![1];
}

// The newest message to `to` as `server mail show` prints it (headers and text body), or ''.
export function newestMailTo(to: string): string {
  try {
    return execFileSync(SERVER_BIN, ['mail', 'show', '--to', to], {
      env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, DEMO_DATA: 'false', RUST_LOG: 'warn' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return '';
  }
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

// B09: registers, confirms and signs in as plain form posts (JavaScript off: no hydration to
// wait for); ends on the account page.
export async function registerAndSignInWithoutJavaScript(page: Page, browser: Browser, name: string, email: string) {
  await page.goto('/account/register');
  await page.getByLabel('Full name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await page.goto(await linkFromOutbox(browser, email, '/account/confirm-email?token='));
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await page.getByLabel('Email address').first().fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
}

export async function confirm(page: Page, browser: Browser, email: string) {
  await page.goto(await linkFromOutbox(browser, email, '/account/confirm-email?token='));
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await expect(page.getByText('Your email address is confirmed')).toBeVisible();
}

// Creates a staff account with `server admin create`, as serve-for-tests.sh makes STAFF.
export function createStaff(email: string, password: string) {
  execFileSync(SERVER_BIN, ['admin', 'create', '--email', email, '--name', 'E2E New Staff', '--role', 'staff', '--password-stdin'], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, DEMO_DATA: 'false', RUST_LOG: 'warn' },
    input: `${password}\n`,
    encoding: 'utf8',
  });
}

// S11: the tests play the staff's authenticator app (RFC 6238: HMAC-SHA1, 30-second steps, 6
// digits). Each account's setup key, read from the enrolment page the first time, is kept with
// the last time step used in .e2e-data, which serve-for-tests.sh empties with the database.
const AUTHENTICATORS = path.join(__dirname, '..', '.e2e-data', 'authenticators.json');
type Authenticator = { secret: string; lastStep: number };

function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of text.replace(/[\s=]/g, '').toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not a base32 setup key: ${text}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

// The code an authenticator app shows for `secret` during time step `step` (Unix time / 30).
export function totp(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return ((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).toString().padStart(6, '0');
}

const currentStep = () => Math.floor(Date.now() / 30_000);

// A code the store accepts none of now (it accepts the current step and the one either side).
export function wrongCode(secret: string): string {
  const right = [-1, 0, 1].map((d) => totp(secret, currentStep() + d));
  for (let n = 0; ; n++) {
    const code = n.toString().padStart(6, '0');
    if (!right.includes(code)) return code;
  }
}

function authenticators(): Record<string, Authenticator> {
  try {
    return JSON.parse(fs.readFileSync(AUTHENTICATORS, 'utf8'));
  } catch {
    return {};
  }
}

// A code for `email` the store has not seen: it accepts each code once, for the step either
// side of now, so a third sign-in within one step waits for the next (at most 30 s).
export async function codeFor(email: string, secret?: string): Promise<string> {
  const all = authenticators();
  const known = all[email];
  const key = secret ?? known?.secret;
  if (!key) throw new Error(`no authenticator set up for ${email} in this run`);
  const now = currentStep();
  const step = known && known.secret === key ? Math.max(now, known.lastStep + 1) : now;
  if (step > now + 1) {
    const wait = (step - 1) * 30_000 - Date.now() + 500;
    test.info().setTimeout(test.info().timeout + wait + 5_000);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
  all[email] = { secret: key, lastStep: step };
  fs.mkdirSync(path.dirname(AUTHENTICATORS), { recursive: true });
  fs.writeFileSync(AUTHENTICATORS, JSON.stringify(all));
  return totp(key, step);
}

// S11: signs a staff account in as staff do: the password, then the code page (setting up
// the authenticator from its setup key the first time), then on to /account.
export async function signInAsStaff(page: Page, who: { email: string; password: string } = STAFF) {
  await signIn(page, who.email, who.password);
  await expect(page).toHaveURL(/\/account\/two-factor\?next=/);
  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText(/^(Set up your authenticator app|Enter your security code)$/);
  await waitForHydration(page);
  const enrolling = (await heading.innerText()) === 'Set up your authenticator app';
  const secret = enrolling ? (await page.locator('[data-totp-secret]').innerText()).replace(/\s/g, '') : undefined;
  await page.getByLabel('Security code').fill(await codeFor(who.email, secret));
  await page.getByRole('button', { name: enrolling ? 'Confirm and continue' : 'Continue', exact: true }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
}
