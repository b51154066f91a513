// Marketing e-mail (issue 15): the account's switches with and without JavaScript (P23, B09),
// the newsletter's double opt-in through the outbox (P07, B07), and leaving it from the
// e-mailed link without signing in (P22).
import { test, expect, waitForHydration, statusError } from './fixtures';
import type { Browser, Page } from '@playwright/test';
import { PASSWORD, unique, linkFromOutbox, register, confirm, signInAsStaff, newestMailTo, registerAndSignInWithoutJavaScript } from './accounts';

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
    await registerAndSignInWithoutJavaScript(page, browser, 'Noah Tester', unique('noah'));
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
  await confirmedSubscriber(page, browser, email);

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

// Signs `email` up from the /newsletter page (JavaScript off or on alike) and confirms it.
async function confirmedSubscriber(page: Page, browser: Browser, email: string) {
  await page.goto('/newsletter');
  await waitForHydration(page);
  await page.locator('form[name="newsletter"]').getByLabel('Email address').fill(email);
  await page.locator('form[name="newsletter"]').getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Check your inbox')).toBeVisible();
  await page.goto(await linkFromOutbox(browser, email, '/newsletter/confirm?token='));
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Yes, subscribe me' }).click();
  await expect(page.getByText('your subscription is confirmed')).toBeVisible();
}

// Writes and sends a newsletter campaign as staff; returns once sending has finished.
async function sendCampaign(page: Page, subject: string) {
  await page.goto('/admin/marketing');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Write a campaign' }).click();
  await expect(page.getByRole('heading', { name: 'Write a campaign' })).toBeVisible();
  await waitForHydration(page);
  await page.getByLabel('Subject').fill(subject);
  await page.getByLabel('The newsletter', { exact: true }).check();
  await page.getByLabel('Plain-text version').fill(`${subject}: our new oak boards are in.`);
  await page.getByLabel('HTML version').fill(`<p>${subject}: our new <strong>oak boards</strong> are in.</p>`);
  await page.getByRole('button', { name: 'Save the draft' }).click();
  await expect(page.getByText('The draft is saved')).toBeVisible();
  // The preview is what a recipient gets: the unsubscribe link is at the bottom.
  await expect(page.locator('.campaign-preview__text')).toContainText(/unsubscribe/i);
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Send a test to me' }).click();
  await expect(page.getByText('A test was sent to')).toBeVisible();
  await page.getByRole('button', { name: 'Send the campaign now' }).click();
  await expect(page.getByText('Sending has started')).toBeVisible();
  // The progress follows along (hydrated) until every recipient is done.
  await expect(page.locator('[data-campaign-status]')).toHaveAttribute('data-campaign-status', 'sent', { timeout: 20_000 });
}

// P20, P22: a campaign reaches a confirmed subscriber, whose e-mail's link unsubscribes
// without signing in; a later campaign then does not reach them. A sign-up never confirmed
// gets no campaign at all (B07).
test('P20 P22 B07 a campaign reaches only consenting addresses, and its e-mail unsubscribes without signing in', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const reader = unique('campaign-reader');
  const unconfirmed = unique('campaign-unconfirmed');
  await confirmedSubscriber(page, browser, reader);
  await page.goto('/newsletter');
  await waitForHydration(page);
  await page.locator('form[name="newsletter"]').getByLabel('Email address').fill(unconfirmed);
  await page.locator('form[name="newsletter"]').getByRole('button', { name: 'Subscribe' }).click();
  await expect(page.getByText('Check your inbox')).toBeVisible();

  const staff = await browser.newContext();
  const staffPage = await staff.newPage();
  await signInAsStaff(staffPage);
  const first = `Autumn news ${Date.now()}`;
  await sendCampaign(staffPage, first);

  await expect.poll(() => newestMailTo(reader), { timeout: 20_000 }).toContain(`Subject: ${first}`);
  expect(newestMailTo(unconfirmed)).not.toContain(first);

  // The reader opens the campaign e-mail's unsubscribe link, signed out, in a fresh browser.
  const unsubscribeLink = await linkFromOutbox(browser, reader, '/newsletter/preferences?token=');
  const readerContext = await browser.newContext();
  const readerPage = await readerContext.newPage();
  await readerPage.goto(unsubscribeLink);
  await waitForHydration(readerPage);
  await readerPage.getByRole('button', { name: 'Unsubscribe from everything' }).click();
  await expect(readerPage.getByText('You are unsubscribed')).toBeVisible();

  const second = `Winter news ${Date.now()}`;
  await sendCampaign(staffPage, second);
  expect(newestMailTo(reader)).toContain(`Subject: ${first}`);
  expect(newestMailTo(reader)).not.toContain(second);
  await staff.close();
  await readerContext.close();
});
