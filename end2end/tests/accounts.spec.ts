import { test, expect, waitForHydration, statusError } from './fixtures';
import { PASSWORD, unique, signIn, linkFromOutbox, register, confirm, createStaff, codeFor, wrongCode, signInAsStaff, registerAndSignInWithoutJavaScript } from './accounts';

test('register, confirm, sign in, edit details and addresses, sign out', async ({ page, browser }) => {
  const email = unique('ann');
  await register(page, 'Ann Smith', email);
  await confirm(page, browser, email);

  await page.getByLabel('Email address').first().fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  await waitForHydration(page);

  // Details save in place, without a reload, with inline errors first.
  await page.evaluate(() => ((window as any).__samePage = true));
  await page.getByLabel('Full name').fill('');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.locator('.error-summary')).toContainText('Enter your full name');
  await expect(page.locator('#details-name-error')).toHaveText('Enter your full name');
  await page.getByLabel('Full name').fill('Ann Jones');
  await page.getByLabel('Telephone (optional)').fill('+44 808 157 0192');
  await page.getByRole('button', { name: 'Save details' }).click();
  await expect(page.getByText('Your details have been saved.')).toBeVisible();
  expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);

  await page.getByRole('link', { name: 'Add an address' }).click();
  await expect(page.getByRole('heading', { name: 'Add an address' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Address line 1').fill('1 High Street');
  await page.getByLabel('Town or city').fill('Leeds');
  await page.getByLabel('Postcode').fill('ls1 1aa');
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByText('The address has been added.')).toBeVisible();
  await expect(page.locator('.address')).toContainText('LS1 1AA');

  await page.locator('.address').getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit address' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Billing address').check();
  await page.getByLabel('Address line 1').fill('2 Low Road');
  await page.getByRole('button', { name: 'Save address' }).click();
  await expect(page.getByText('The address has been updated.')).toBeVisible();
  await expect(page.locator('.address')).toContainText('Billing address (default)');
  await expect(page.locator('.address')).toContainText('2 Low Road');

  await page.reload();
  await expect(page.getByLabel('Full name')).toHaveValue('Ann Jones');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  await page.goto('/account');
  await expect(page).toHaveURL(/\/account\/sign-in\?next=%2Faccount$/);
});

test('a forgotten password is reset through the e-mailed link', async ({ page, browser }) => {
  const email = unique('bob');
  await register(page, 'Bob Brown', email);
  await confirm(page, browser, email);

  await page.goto('/account/reset');
  await waitForHydration(page);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send reset link' }).click();
  await expect(page.getByText('If that address has an account')).toBeVisible();

  await page.goto(await linkFromOutbox(browser, email, '/account/reset/new?token='));
  await waitForHydration(page);
  await page.getByLabel('New password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Set new password' }).click();
  await expect(page.getByText('Your password has been changed. Sign in with your new password.')).toBeVisible();

  await signIn(page, email, PASSWORD);
  await expect(page.locator('.error-summary')).toContainText('The email address or password is not right');
  await page.getByLabel('Password').fill('a brand new passphrase');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
});

// P26: strictly necessary cookies are enough to sign in to secure areas.
test('P26 sign in works with every optional cookie refused', async ({ page, browser, context }) => {
  const email = unique('cat');
  await register(page, 'Cat Green', email);
  await confirm(page, browser, email);
  await page.getByRole('button', { name: 'Reject all' }).click();
  await expect(page.locator('[data-consent-banner]')).toHaveCount(0);
  await expect.poll(async () => (await context.cookies()).map((c) => c.name)).toEqual(['sop_consent']);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const names = (await context.cookies()).map((c) => c.name).sort();
  expect(names).toEqual(['sop_consent', 'sop_session']);
  const session = (await context.cookies()).find((c) => c.name === 'sop_session')!;
  expect(session.httpOnly).toBe(true);
  expect(session.sameSite).toBe('Lax');
  expect(session.expires).toBe(-1); // a session cookie (P25)
});

test.describe('with JavaScript turned off', () => {
  test.use({ javaScriptEnabled: false });

  // B09: account forms work without JavaScript, errors and typed values included.
  test('B09 registration errors come back with what was typed, never the password', async ({ page }) => {
    await page.goto('/account/register');
    await page.getByLabel('Full name').fill('Dan Black');
    await page.getByLabel('Email address').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect(page).toHaveURL(/\/account\/register\?form=/);
    await expect(page.locator('.error-summary')).toContainText('Enter an email address in the correct format');
    await expect(page.locator('.error-summary')).toContainText('Password must be 12 characters or more');
    await expect(page.getByLabel('Full name')).toHaveValue('Dan Black');
    await expect(page.getByLabel('Email address')).toHaveValue('not-an-email');
    await expect(page.getByLabel('Password')).toHaveValue('');
  });

  test('B09 signing in and out works as plain form posts', async ({ page, browser }) => {
    await registerAndSignInWithoutJavaScript(page, browser, 'Eve White', unique('eve'));
    await page.getByLabel('Full name').fill('Eve Grey');
    await page.getByRole('button', { name: 'Save details' }).click();
    await expect(page.getByText('Your details have been saved.')).toBeVisible();
    await expect(page.getByLabel('Full name')).toHaveValue('Eve Grey');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('You have signed out.')).toBeVisible();
  });
});

test.describe('the staff area', () => {
  test.use({ expectedConsoleErrors: [statusError(403)] });

  test('a customer cannot open it', async ({ page, browser }) => {
  const email = unique('fay');
  await register(page, 'Fay Blue', email);
  await confirm(page, browser, email);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  const response = await page.goto('/admin/outbox');
  expect(response!.status()).toBe(403);
  await expect(page.getByText('Your account cannot open this page.')).toBeVisible();
});

  // S11: a new staff member sets up an authenticator app at the first sign-in; the staff area
  // waits for its code, and every later sign-in asks for a code again.
  test('S11 staff set up an authenticator app at the first sign-in, then sign in with its code', async ({ page }) => {
    test.setTimeout(90_000);
    const staff = { email: unique('sid'), password: 'a new staff passphrase' };
    createStaff(staff.email, staff.password);
    await signIn(page, staff.email, staff.password);
    await expect(page).toHaveURL(/\/account\/two-factor\?next=%2Faccount$/);
    await expect(page.getByRole('heading', { name: 'Set up your authenticator app' })).toBeVisible();
    const secret = (await page.locator('[data-totp-secret]').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await expect(page.locator('[data-totp-uri]')).toContainText(`otpauth://totp/SOP%20Store:`);
    await expect(page.locator('[data-totp-uri]')).toContainText(`secret=${secret}`);

    // The staff area sends the half-signed-in visitor to the code, and comes back after it.
    await page.goto('/admin');
    await expect(page).toHaveURL(/\/account\/two-factor\?next=%2Fadmin$/);
    await waitForHydration(page);
    await page.getByLabel('Security code').fill(wrongCode(secret));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await expect(page.locator('.error-summary')).toContainText('The code is not right');
    await expect(page.locator('#two-factor-code-error')).toContainText('The code is not right');
    await page.getByLabel('Security code').fill(await codeFor(staff.email, secret));
    await page.getByRole('button', { name: 'Confirm and continue' }).click();
    await expect(page).toHaveURL(/\/admin$/);
    await expect(page.getByRole('link', { name: 'Outbox' })).toBeVisible();

    // Signed out and in again: the code page asks for the code alone, never the key.
    await page.goto('/account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByText('You have signed out.')).toBeVisible();
    await signIn(page, staff.email, staff.password);
    await expect(page.getByRole('heading', { name: 'Enter your security code' })).toBeVisible();
    await expect(page.locator('[data-totp-secret]')).toHaveCount(0);
    await page.goto('/account');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAsStaff(page, staff);
    await page.goto('/admin');
    await expect(page.getByRole('link', { name: 'Outbox' })).toBeVisible();
  });
});
