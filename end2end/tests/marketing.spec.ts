// Marketing e-mail (issue 15): the account's switches with and without JavaScript (P23, B09),
// the newsletter's double opt-in through the outbox (P07, B07), and leaving it from the
// e-mailed link without signing in (P22).
import { test, expect, waitForHydration, statusError } from './fixtures';
import type { Browser, Page } from '@playwright/test';
import { PASSWORD, unique, linkFromOutbox, register, confirm } from './accounts';

// Registers and confirms a new account, then signs in; ends on the account page.
async function signedInAccount(page: Page, browser: Browser, who: string): Promise<string> {
  const email = unique(who);
  await register(page, `${who} Tester`, email);
  await confirm(page, browser, email);
  await page.getByLabel('Email address').first().fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
  return email;
}

test.describe('the account\u2019s marketing switches', () => {
  // The refusal below is a 503 the browser reports in the console.
  test.use({ expectedConsoleErrors: [statusError(503)] });

  test('P23 a switch saves as soon as it is flipped, and goes back with a message when refused', async ({ page, browser }) => {
    await signedInAccount(page, browser, 'mia');
    await waitForHydration(page);
    const newsletter = page.getByRole('switch', { name: 'The newsletter' });
    const offers = page.getByRole('switch', { name: 'Offers and discounts' });
    await expect(newsletter).not.toBeChecked();
    await expect(offers).not.toBeChecked();
    // The exact words each switch agrees to are next to it.
    await expect(page.locator('[data-topic="newsletter"]')).toContainText('one e-mail a month');
    // Hydrated, the switches save themselves: the plain form's button is hidden.
    await expect(page.getByRole('button', { name: 'Save my e-mail choices' })).toBeHidden();

    await page.evaluate(() => ((window as any).__samePage = true));
    await newsletter.click();
    await expect(newsletter).toBeChecked();
    await expect(page.locator('[data-topic="newsletter"] [role=status]')).toHaveText('Saved: you will get these e-mails.');
    expect(await page.evaluate(() => (window as any).__samePage)).toBe(true);

    // The store refuses the next change: the switch shows it at once, then goes back.
    await page.route('**/api/marketing/topic', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: '"Unavailable"' }),
    );
    await offers.click();
    await expect(page.locator('[data-topic="offers"] [role=alert]')).toContainText('Not saved: Your choice could not be saved just now');
    await expect(offers).not.toBeChecked();
    await page.unroute('**/api/marketing/topic');

    // What was saved is what the page shows after a reload.
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole('switch', { name: 'The newsletter' })).toBeChecked();
    await expect(page.getByRole('switch', { name: 'Offers and discounts' })).not.toBeChecked();
  });
});

test.describe('with JavaScript turned off', () => {
  test.use({ javaScriptEnabled: false });

  test('B09 P23 the marketing switches are a plain form with a Save button', async ({ page, browser }) => {
    // Registering, confirming and signing in as plain form posts (the helpers wait for hydration).
    const email = unique('noah');
    await page.goto('/account/register');
    await page.getByLabel('Full name').fill('Noah Tester');
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
    await page.getByRole('switch', { name: 'Offers and discounts' }).check();
    await page.getByRole('button', { name: 'Save my e-mail choices' }).click();
    await expect(page.getByText('Your e-mail choices are saved.')).toBeVisible();
    await expect(page.getByRole('switch', { name: 'Offers and discounts' })).toBeChecked();
    await expect(page.getByRole('switch', { name: 'The newsletter' })).not.toBeChecked();
  });

  test('B07 P07 P22 the newsletter is confirmed by e-mail and left from the e-mailed link, without an account', async ({ page, browser }) => {
    const email = unique('reader');
    await page.goto('/');
    const footer = page.locator('footer');
    // P33: the form says what subscribers receive.
    await expect(footer).toContainText('one e-mail a month about new products');
    await footer.getByLabel('Your e-mail for the newsletter').fill(email);
    await footer.getByRole('button', { name: 'Subscribe' }).click();
    await expect(page).toHaveURL(/\/newsletter\?form=/);
    await expect(page.getByText('Check your inbox: we have sent you an e-mail with a link to confirm')).toBeVisible();

    // B07: the only message is the confirmation, and following it confirms (a button, so a mail
    // scanner that opens links cannot).
    await page.goto(await linkFromOutbox(browser, email, '/newsletter/confirm?token='));
    await page.getByRole('button', { name: 'Yes, subscribe me' }).click();
    await expect(page.getByText('your subscription is confirmed')).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'The newsletter' })).toBeChecked();

    // P22: the choices page works without signing in; one button leaves everything.
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await expect(page.getByText('You are unsubscribed')).toBeVisible();
    await expect(page.getByRole('checkbox', { name: 'The newsletter' })).not.toBeChecked();
    // A second press is harmless.
    await page.getByRole('button', { name: 'Unsubscribe from everything' }).click();
    await expect(page.getByText('This address is not subscribed to anything')).toBeVisible();
  });
});

test('P21 a subscriber asks for a fresh link and chooses topics on the hydrated page', async ({ page, browser }) => {
  const email = unique('ola');
  await page.goto('/newsletter');
  await waitForHydration(page);
  await page.locator('form[name="newsletter"]').getByLabel('Email address').fill(email);
  await page.locator('form[name="newsletter"]').getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Check your inbox')).toBeVisible();
  await page.goto(await linkFromOutbox(browser, email, '/newsletter/confirm?token='));
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Yes, subscribe me' }).click();
  await expect(page.getByText('your subscription is confirmed')).toBeVisible();

  // Without the old e-mail: ask for a new link, and use it.
  await page.goto('/newsletter');
  await waitForHydration(page);
  await page.locator('form[name="preferences-link"]').getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await expect(page.getByText('we have just sent it a link to choose them')).toBeVisible();
  await page.goto(await linkFromOutbox(browser, email, '/newsletter/preferences?token='));
  await waitForHydration(page);
  await page.getByRole('checkbox', { name: 'Offers and discounts' }).check();
  await page.getByRole('checkbox', { name: 'The newsletter' }).uncheck();
  await page.getByRole('button', { name: 'Save my choices' }).click();
  await expect(page.getByText('Your choices are saved.')).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'Offers and discounts' })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: 'The newsletter' })).not.toBeChecked();
});
