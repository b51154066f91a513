import { test, expect, waitForHydration, statusError } from './fixtures';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from '@playwright/test';
import { PASSWORD, unique, signIn as submitSignIn, signInAsStaff, register, confirm } from './accounts';
import {
  CARDS,
  ORDER_NUMBER,
  basketLink,
  expectBasketCount,
  addToBasket,
  Address,
  Shopper,
  checkoutForm,
  fillCheckout,
  fillPayment,
  placeOrder,
  expectNoFullCardNumber,
  typed,
  shopper,
  guestOrder,
} from './shop';

// The journey from basket to order (issue 4): guest and signed-in checkout, with and without
// JavaScript, a declined card, a stock conflict, the order pages and mail, the staff's order
// statuses, and the basket merge on sign-in. Other specs share this database: each test uses its
// own e-mail addresses, and products no other spec buys.



// ---- Other browsers: a context with its own cookies, whose console is watched like `page`'s ----

type Visitor = { context: BrowserContext; page: Page; close: () => Promise<void> };

async function visitor(browser: Browser, options: BrowserContextOptions = {}, expectedErrors: RegExp[] = []): Promise<Visitor> {
  const context = await browser.newContext({ javaScriptEnabled: true, ...options });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return {
    context,
    page,
    close: async () => {
      await context.close();
      const unexpected = errors.filter((text) => !expectedErrors.some((re) => re.test(text)));
      expect(unexpected, 'console errors in another browser context').toEqual([]);
    },
  };
}

// ---- Accounts (as in accounts.spec.ts) ----

async function signIn(page: Page, email: string, password: string) {
  await submitSignIn(page, email, password);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Your account' })).toBeVisible();
}

// Runs `work` as staff in a browser of its own (password, then the authenticator's code: S11).
async function asStaff<T>(browser: Browser, work: (staff: Page) => Promise<T>): Promise<T> {
  const staff = await visitor(browser);
  await signInAsStaff(staff.page);
  const result = await work(staff.page);
  await staff.close();
  return result;
}

// Opens the newest outbox message to `to` whose subject contains `subject`; returns its body.
async function readMail(staff: Page, to: string, subject: string | RegExp): Promise<{ subject: string; body: string }> {
  await staff.goto('/admin/outbox');
  const row = staff.locator('tr', { hasText: to }).filter({ hasText: subject }).first();
  await row.getByRole('link').click();
  const body = await staff.locator('[data-mail-body]').innerText();
  const heading = await staff.getByRole('heading', { level: 1 }).innerText();
  return { subject: heading, body };
}

function pathFromMail(body: string, path: string): string {
  const escaped = path.replace(/[?.]/g, (c) => `\\${c}`);
  const match = body.match(new RegExp(`(?:https?://[^/\\s]+)?(${escaped}[^\\s<>"]*)`));
  expect(match, `a ${path} link in: ${body}`).not.toBeNull();
  return match![1];
}

async function registerAndConfirm(page: Page, browser: Browser, name: string, email: string) {
  await register(page, name, email);
  await confirm(page, browser, email);
}

// An order page opened by someone who may not see it: 404 and the same words as a wrong number.
async function expectOrderHidden(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response!.status(), path).toBe(404);
  await expect(page.getByText('We could not find that order.')).toBeVisible();
  await expect(page.locator('[data-order-number]')).toHaveCount(0);
}

// ---- The tests ----

// P05: the order collects name, e-mail, billing/delivery address, telephone and payment, and the
// card is kept only as brand and last four digits: neither the confirmation page nor the mail
// ever holds the number. P17: the order record (kept for its legal period, then purged by the
// retention engine) is reachable only with its key or by its owner.
test('P05 P17 a hydrated guest checkout pays by card and gets a confirmation page and mail', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const guest = shopper('ivy', 'Ivy Guest');

  await addToBasket(page, 'oak-chopping-board', 2);
  await expectBasketCount(page, 2);

  await basketLink(page).click();
  await expect(page).toHaveURL(/\/basket$/);
  const line = page.locator('[data-basket-line="oak-chopping-board"]');
  await expect(line).toContainText('Oak Chopping Board');
  await expect(line.getByLabel('Quantity')).toHaveValue('2');
  await expect(page.locator('[data-basket-subtotal]')).toContainText('£69.00');

  await page.getByRole('link', { name: 'Go to checkout' }).click();
  await expect(page).toHaveURL(/\/checkout$/);
  await waitForHydration(page);
  await fillCheckout(page, guest, 'standard', CARDS.visa);
  const { number, key } = await placeOrder(page);
  expect(number).toMatch(ORDER_NUMBER);

  await expect(page.locator('[data-order-line="oak-chopping-board"]')).toContainText('Oak Chopping Board');
  // £69.00 of goods: standard delivery is free from £40.
  await expect(page.locator('[data-order-total]')).toContainText('£69.00');
  await expect(page.getByText('Visa ending 4242')).toBeVisible();
  await expectNoFullCardNumber(await page.content(), 'the confirmation page');
  await expectBasketCount(page, 0);

  const mail = await asStaff(browser, (staff) => readMail(staff, guest.email, 'Your SOP Store order'));
  expect(mail.subject).toBe(`Your SOP Store order ${number}`);
  await expectNoFullCardNumber(mail.body, 'the confirmation mail');
  const link = pathFromMail(mail.body, `/orders/${number}?key=`);

  // The mailed link opens the order in a browser that has never seen the store.
  const stranger = await visitor(browser, {}, [statusError(404)]);
  const response = await stranger.page.goto(link);
  expect(response!.status()).toBe(200);
  await expect(stranger.page.locator('[data-order-number]')).toContainText(number);
  await expect(stranger.page.getByRole('heading', { name: `Order ${number}` })).toBeVisible();
  await expect(stranger.page.locator('[data-order-status]')).toHaveText('Paid');
  await expect(stranger.page.locator('[data-order-line="oak-chopping-board"]')).toBeVisible();
  await expect(stranger.page.getByText('Visa ending 4242')).toBeVisible();
  await expectNoFullCardNumber(await stranger.page.content(), 'the order page');

  // A wrong key, or none, shows nothing of the order. (The key is hex, read without regard to
  // case, so a wrong key changes its last digit to another digit, never just its case: the
  // old 'A' for a key ending in 'a' was the same key, and failed one run in sixteen.)
  const wrongKey = key.slice(0, -1) + (key.endsWith('0') ? '1' : '0');
  await expectOrderHidden(stranger.page, `/orders/${number}?key=${wrongKey}`);
  await expectOrderHidden(stranger.page, `/orders/${number}?key=not-the-key`);
  await expectOrderHidden(stranger.page, `/orders/${number}`);
  await stranger.close();
});

test('a declined card places no order and keeps what was typed, except the card number', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const guest = shopper('jay', 'Jay Declined');
  await addToBasket(page, 'cast-iron-skillet', 1);
  await page.goto('/checkout');
  await waitForHydration(page);
  await fillCheckout(page, guest, 'standard', CARDS.declined);
  await checkoutForm(page).getByRole('button', { name: 'Place order' }).click();

  const summary = page.locator('.error-summary');
  await expect(summary).toContainText('Your card was declined. No money was taken. Try another card.');
  await expect(summary.getByRole('link')).toHaveAttribute('href', '#checkout-card_number');
  await expect(page).toHaveURL(/\/checkout(\?|$)/);
  const form = checkoutForm(page);
  await expect(form.getByLabel('Full name')).toHaveValue(guest.name);
  await expect(form.getByLabel('Email address')).toHaveValue(guest.email);
  await expect(form.getByLabel('Telephone')).toHaveValue(guest.telephone);
  const billing = form.locator('fieldset[data-address="billing"]');
  await expect(billing.getByLabel('Address line 1')).toHaveValue(guest.billing.line1);
  await expect(billing.getByLabel('Town or city')).toHaveValue(guest.billing.city);
  await expect(billing.getByLabel('Postcode')).toHaveValue(guest.billing.postcode);
  // Soft, so the rest of the journey is still checked if the number was left in the field.
  await expect(form.getByLabel('Card number'), 'the declined card number is cleared').toHaveValue('');

  // A number failing the Luhn check is refused before any payment is tried.
  await fillPayment(page, 'standard', CARDS.notLuhn);
  await form.getByRole('button', { name: 'Place order' }).click();
  await expect(summary).toContainText('Enter a valid card number');
  await expect(summary).not.toContainText('Your card was declined');
  await expect(page).toHaveURL(/\/checkout(\?|$)/);

  // No order: the basket still holds the skillet, and no order exists for this e-mail.
  await page.goto('/basket');
  await expectBasketCount(page, 1);
  await expect(page.locator('[data-basket-line="cast-iron-skillet"]')).toBeVisible();
  await asStaff(browser, async (staff) => {
    await staff.goto(`/admin/orders?q=${encodeURIComponent(guest.email)}`);
    await expect(staff.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(staff.locator('[data-order]')).toHaveCount(0);
    await staff.goto('/admin/outbox');
    await expect(staff.getByText(/message\(s\)/)).toBeVisible();
    await expect(staff.locator('tr', { hasText: guest.email })).toHaveCount(0);
  });
});

test('when the last one sells while a second shopper is at checkout, the second gets no order but a clear message', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const first = shopper('kit', 'Kit First');
  const second = shopper('lee', 'Lee Second');
  const other = await visitor(browser);

  // Both baskets hold the only Green Tea Sencha (stock 1), and both shoppers are at checkout.
  await addToBasket(page, 'green-tea-sencha', 1);
  await addToBasket(other.page, 'green-tea-sencha', 1);
  for (const [p, who] of [[page, first], [other.page, second]] as const) {
    await p.goto('/checkout');
    await waitForHydration(p);
    await fillCheckout(p, who, 'standard', CARDS.visa);
  }

  // A third shopper looks at the product just before the sale, and again just after it: the
  // page must say "Out of stock" at once (the store reloads its in-memory catalog when an order
  // brings a product to its low-stock threshold; left alone, the catalog lives 5 s).
  const onlooker = await visitor(browser);
  await onlooker.page.goto('/product/green-tea-sencha');
  await expect(onlooker.page.getByText('Only 1 left')).toBeVisible();
  await placeOrder(page);
  await onlooker.page.reload();
  await expect(onlooker.page.getByText('Out of stock'), 'the product page shows the sale at once').toBeVisible();
  await expect(onlooker.page.locator('form[name="add-to-basket"]'), 'no add form once sold out').toHaveCount(0);
  await onlooker.close();

  await checkoutForm(other.page).getByRole('button', { name: 'Place order' }).click();
  const summary = other.page.locator('.error-summary');
  await expect(summary).toContainText('Green Tea Sencha');
  await expect(summary).toContainText(/out of stock/i);
  await expect(other.page).toHaveURL(/\/checkout(\?|$)/);
  await expect(other.page.locator('[data-order-number]')).toHaveCount(0);

  // The second basket was brought up to date, and the product is sold out for everyone.
  await other.page.goto('/basket');
  await expect(other.page.getByText('Your basket is empty')).toBeVisible();
  await expectBasketCount(other.page, 0);
  await other.page.goto('/product/green-tea-sencha');
  await expect(other.page.getByText('Out of stock')).toBeVisible();
  await expect(other.page.locator('form[name="add-to-basket"]')).toHaveCount(0);
  await other.close();

  await asStaff(browser, async (staff) => {
    await staff.goto(`/admin/orders?q=${encodeURIComponent(second.email)}`);
    await expect(staff.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(staff.locator('[data-order]')).toHaveCount(0);
  });
});

// P05: a signed-in shopper's saved addresses and details fill the checkout; the order is theirs.
test('P05 a signed-in checkout uses the saved addresses, and the order is in the account history', async ({ page, browser }) => {
  test.setTimeout(150_000);
  const email = unique('mo');
  await registerAndConfirm(page, browser, 'Mo Saved', email);
  await signIn(page, email, PASSWORD);

  const saveAddress = async (kind: 'Billing address' | 'Delivery address', address: Address) => {
    await page.goto('/account/addresses/new');
    await waitForHydration(page);
    await page.getByLabel(kind).check();
    await page.getByLabel('Address line 1').fill(address.line1);
    await page.getByLabel('Town or city').fill(address.city);
    await page.getByLabel('Postcode').fill(address.postcode);
    await page.getByLabel('Use as my default address of this kind').check();
    await page.getByRole('button', { name: 'Save address' }).click();
    await expect(page.getByText('The address has been added.')).toBeVisible();
    const card = page.locator('.address', { hasText: address.line1 });
    await expect(card).toContainText(`${kind} (default)`);
    return (await card.getAttribute('data-address-id'))!;
  };
  const billingId = await saveAddress('Billing address', { line1: '1 Bill Road', city: 'Leeds', postcode: 'LS1 1AA' });
  const deliveryId = await saveAddress('Delivery address', { line1: '9 Delivery Lane', city: 'Bath', postcode: 'BA1 1AA' });

  await addToBasket(page, 'scented-soy-candle', 1);
  await expectBasketCount(page, 1);
  await page.goto('/checkout');
  await waitForHydration(page);
  const form = checkoutForm(page);
  await expect(form.getByLabel('Full name')).toHaveValue('Mo Saved');
  await expect(form.getByLabel('Email address')).toHaveValue(email);
  await expect(form.locator('select[name="billing_saved"]')).toHaveValue(billingId);
  await form.getByLabel('Deliver to my billing address').setChecked(false);
  await expect(form.locator('select[name="delivery_saved"]')).toHaveValue(deliveryId);
  await form.getByLabel('Telephone').fill('+44 808 157 0193');
  await fillPayment(page, 'express', CARDS.visa);
  const { number } = await placeOrder(page);
  // £16.00 and express delivery at £7.95, always charged.
  await expect(page.locator('[data-order-total]')).toContainText('£23.95');
  await expect(page.locator('[data-order-line="scented-soy-candle"]')).toBeVisible();
  await expect(page.getByText('1 Bill Road')).toBeVisible();
  await expect(page.getByText('9 Delivery Lane')).toBeVisible();
  await expectBasketCount(page, 0);

  await page.goto('/account');
  await page.getByRole('link', { name: 'Your orders' }).click();
  await expect(page).toHaveURL(/\/account\/orders$/);
  const row = page.locator(`[data-order="${number}"]`);
  await expect(row).toBeVisible();
  await row.getByRole('link').first().click();
  await expect(page).toHaveURL(new RegExp(`/orders/${number}$`));
  await expect(page.locator('[data-order-number]')).toContainText(number);
  await expect(page.getByRole('heading', { name: `Order ${number}` })).toBeVisible();
  await expect(page.locator('[data-order-status]')).toHaveText('Paid');

  // Nobody else opens it without the key: not a guest, not another signed-in account.
  const guest = await visitor(browser, {}, [statusError(404)]);
  await expectOrderHidden(guest.page, `/orders/${number}`);
  await guest.close();
  const stranger = await visitor(browser, {}, [statusError(404)]);
  const strangerEmail = unique('nan');
  await registerAndConfirm(stranger.page, browser, 'Nan Other', strangerEmail);
  await signIn(stranger.page, strangerEmail, PASSWORD);
  await expectOrderHidden(stranger.page, `/orders/${number}`);
  await stranger.page.goto('/account/orders');
  await expect(stranger.page.locator(`[data-order="${number}"]`)).toHaveCount(0);
  await stranger.close();
});

test('staff mark an order dispatched, which mails the shopper, then delivered', async ({ page, browser }) => {
  test.setTimeout(90_000);
  const guest = shopper('pam', 'Pam Parcel');
  const { number, key } = await guestOrder(page, guest, 'copper-kettle');

  await asStaff(browser, async (staff) => {
    await staff.goto(`/admin/orders?status=paid&q=${encodeURIComponent(guest.email)}`);
    await staff.locator(`[data-order="${number}"]`).getByRole('link').first().click();
    await expect(staff).toHaveURL(new RegExp(`/admin/orders/${number}$`));
    await waitForHydration(staff);
    await expect(staff.getByRole('button', { name: 'Mark as delivered' })).toHaveCount(0);
    await staff.getByRole('button', { name: 'Mark as dispatched' }).click();
    await expect(staff.getByRole('button', { name: 'Mark as delivered' })).toBeVisible();
    await expect(staff.getByRole('button', { name: 'Mark as dispatched' })).toHaveCount(0);
    await staff.goto(`/admin/orders?status=dispatched&q=${number}`);
    await expect(staff.locator(`[data-order="${number}"]`)).toBeVisible();
    await staff.goto(`/admin/orders?status=paid&q=${number}`);
    await expect(staff.locator(`[data-order="${number}"]`)).toHaveCount(0);
  });

  await page.goto(`/orders/${number}?key=${key}`);
  await expect(page.locator('[data-order-status]')).toHaveText('Dispatched');

  const mail = await asStaff(browser, (staff) => readMail(staff, guest.email, 'is on its way'));
  expect(mail.subject).toBe(`Your SOP Store order ${number} is on its way`);
  await expectNoFullCardNumber(mail.body, 'the dispatch mail');

  await asStaff(browser, async (staff) => {
    await staff.goto(`/admin/orders/${number}`);
    await waitForHydration(staff);
    await staff.getByRole('button', { name: 'Mark as delivered' }).click();
    await expect(staff.getByRole('button', { name: 'Mark as delivered' })).toHaveCount(0);
    await expect(staff.getByRole('button', { name: 'Mark as dispatched' })).toHaveCount(0);
    await staff.goto(`/admin/orders?status=delivered&q=${number}`);
    await expect(staff.locator(`[data-order="${number}"]`)).toBeVisible();
  });

  await page.reload();
  await expect(page.locator('[data-order-status]')).toHaveText('Delivered');
});

test('signing in adds the guest basket to the account basket', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const email = unique('quin');

  // The account already holds one jar set in its basket.
  const owner = await visitor(browser);
  await registerAndConfirm(owner.page, browser, 'Quin Merge', email);
  await signIn(owner.page, email, PASSWORD);
  await addToBasket(owner.page, 'glass-storage-jars', 1);
  await expectBasketCount(owner.page, 1);
  await owner.close();

  // A guest adds two more jar sets and a candle, then signs in: 1 + 3 = 4.
  await addToBasket(page, 'glass-storage-jars', 2);
  await addToBasket(page, 'scented-soy-candle', 1);
  await expectBasketCount(page, 3);
  await signIn(page, email, PASSWORD);
  await expectBasketCount(page, 4);
  await page.goto('/basket');
  await expect(page.locator('[data-basket-line="glass-storage-jars"]').getByLabel('Quantity')).toHaveValue('3');
  await expect(page.locator('[data-basket-line="scented-soy-candle"]').getByLabel('Quantity')).toHaveValue('1');
  // £18.00 × 3 + £16.00
  await expect(page.locator('[data-basket-subtotal]')).toContainText('£70.00');

  // Quantities that add up past the stock are capped by it: the garden kneeler has 2.
  await addToBasket(page, 'garden-kneeler', 2);
  await expectBasketCount(page, 6);
  await page.goto('/account');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByText('You have signed out.')).toBeVisible();
  const second = await visitor(browser);
  await addToBasket(second.page, 'garden-kneeler', 1);
  await signIn(second.page, email, PASSWORD);
  await expectBasketCount(second.page, 6);
  await second.page.goto('/basket');
  await expect(second.page.locator('[data-basket-line="garden-kneeler"]').getByLabel('Quantity')).toHaveValue('2');
  await second.close();
});

test.describe('with JavaScript turned off and only strictly necessary cookies', () => {
  test.use({ javaScriptEnabled: false });

  // P27, B09: with no optional cookie (the banner is never answered) and no JavaScript, the
  // basket and checkout work as plain form posts, and the session cookie is the only cookie.
  test('P27 B09 a guest fills the basket and checks out with plain form posts', async ({ page, context }) => {
    test.setTimeout(60_000);
    const guest: Shopper = {
      ...shopper('rae', 'Rae Plain'),
      delivery: { recipient: 'Sam Plain', line1: '4 Gift Row', city: 'Bristol', postcode: 'BS1 4DJ' },
    };
    await page.goto('/product/glass-storage-jars');
    await expect(page.locator('[data-consent-banner]')).toBeVisible();
    expect(await context.cookies()).toEqual([]);
    await expectBasketCount(page, 0);

    await addToBasket(page, 'glass-storage-jars', 1, { hydrated: false });
    await expectBasketCount(page, 1);
    await addToBasket(page, 'scented-soy-candle', 1, { hydrated: false });
    await expectBasketCount(page, 2);

    await basketLink(page).click();
    await expect(page).toHaveURL(/\/basket$/);
    await expect(page.locator('[data-basket-subtotal]')).toContainText('£34.00');
    const jars = page.locator('[data-basket-line="glass-storage-jars"]');
    await jars.getByLabel('Quantity').fill('2');
    await jars.getByRole('button', { name: 'Update' }).click();
    await expect(page).toHaveURL(/\/basket(\?|$)/);
    await expectBasketCount(page, 3);
    await expect(page.locator('[data-basket-subtotal]')).toContainText('£52.00');
    await page.locator('[data-basket-line="scented-soy-candle"]').getByRole('button', { name: 'Remove' }).click();
    await expect(page).toHaveURL(/\/basket(\?|$)/);
    await expect(page.locator('[data-basket-line="scented-soy-candle"]')).toHaveCount(0);
    await expectBasketCount(page, 2);
    await expect(page.locator('[data-basket-subtotal]')).toContainText('£36.00');

    await page.getByRole('link', { name: 'Go to checkout' }).click();
    await expect(page).toHaveURL(/\/checkout$/);
    await fillCheckout(page, guest, 'standard', CARDS.mastercard);
    const { number } = await placeOrder(page);
    expect(number).toMatch(ORDER_NUMBER);
    // £36.00 of goods is under £40: standard delivery at £3.95.
    await expect(page.locator('[data-order-total]')).toContainText('£39.95');
    await expect(page.locator('[data-order-line="glass-storage-jars"]')).toBeVisible();
    await expect(page.getByText(/ending 4444/)).toBeVisible();
    await expect(page.getByText('4 Gift Row')).toBeVisible();
    await expectNoFullCardNumber(await page.content(), 'the confirmation page');
    await expectBasketCount(page, 0);

    // Never asked for consent, never gave it: the session cookie is the only cookie (B01, P25).
    await expect(page.locator('[data-consent-banner]')).toBeVisible();
    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).toEqual(['sop_session']);
    expect(cookies[0].httpOnly).toBe(true);
    expect(cookies[0].sameSite).toBe('Lax');
    expect(cookies[0].expires).toBe(-1);
  });

  // B09: errors come back after a plain post with what was typed, never the card number.
  test('B09 a declined card without JavaScript keeps what was typed except the card number', async ({ page }) => {
    const guest = shopper('sid', 'Sid Plain');
    await addToBasket(page, 'cast-iron-skillet', 1, { hydrated: false });
    await page.goto('/checkout');
    await fillCheckout(page, guest, 'express', CARDS.declined);
    await checkoutForm(page).getByRole('button', { name: 'Place order' }).click();
    await expect(page).toHaveURL(/\/checkout\?form=/);
    await expect(page.locator('.error-summary')).toContainText('Your card was declined. No money was taken. Try another card.');
    const form = checkoutForm(page);
    await expect(form.getByLabel('Full name')).toHaveValue(guest.name);
    await expect(form.getByLabel('Email address')).toHaveValue(guest.email);
    await expect(form.locator('fieldset[data-address="billing"]').getByLabel('Postcode')).toHaveValue(guest.billing.postcode);
    await expect(form.getByLabel('Express delivery')).toBeChecked();
    await expect(form.getByLabel('Card number')).toHaveValue('');
    await expectNoFullCardNumber(await page.content(), 'the checkout page after a decline', typed(CARDS.declined));
    await expectBasketCount(page, 1);

    await fillPayment(page, 'express', CARDS.notLuhn);
    await checkoutForm(page).getByRole('button', { name: 'Place order' }).click();
    await expect(page.locator('.error-summary')).toContainText('Enter a valid card number');
    await expect(form.getByLabel('Card number')).toHaveValue('');
    await expectBasketCount(page, 1);
  });
});
