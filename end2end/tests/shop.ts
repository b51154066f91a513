// Shop steps several journeys share: the basket, the checkout form, placing an order.
import { expect, waitForHydration } from './fixtures';
import type { Page } from '@playwright/test';
import { unique } from './accounts';

export const CARDS = {
  visa: '4242 4242 4242 4242',
  mastercard: '5555 5555 5555 4444',
  declined: '4000 0000 0000 0002',
  notLuhn: '4242 4242 4242 4241',
};
// Every way a full card number could appear in a page or a mail.
export const FULL_CARD_NUMBERS = [CARDS.visa, CARDS.mastercard, ...Object.values(CARDS).map((c) => c.replace(/ /g, ''))];

export const ORDER_NUMBER = /SOP-[A-Z0-9]{4}-[A-Z0-9]{4}/;
export const PLACED_URL = /\/orders\/(SOP-[A-Z0-9]{4}-[A-Z0-9]{4})\?key=([^&#]+)&placed=1$/;

// ---- Basket ----

export const basketLink = (page: Page) => page.locator('header a[data-basket-count]');

export async function expectBasketCount(page: Page, count: number) {
  await expect(basketLink(page)).toHaveAttribute('data-basket-count', String(count));
  await expect(basketLink(page)).toHaveText(`Basket (${count})`);
}

// Adds from the product page; `hydrated` waits for the wasm so the enhanced form posts it.
export async function addToBasket(page: Page, slug: string, quantity = 1, { hydrated = true } = {}) {
  await page.goto(`/product/${slug}`);
  if (hydrated) await waitForHydration(page);
  const form = page.locator('form[name="add-to-basket"]');
  await expect(form).toHaveAttribute('action', '/api/basket/add');
  await form.getByLabel('Quantity').fill(String(quantity));
  await form.getByRole('button', { name: 'Add to basket' }).click();
  await expect(page).toHaveURL(new RegExp(`/product/${slug}\\?form=`));
  await expect(page.getByText('Added to your basket')).toBeVisible();
}

// ---- Checkout ----

export type Address = { line1: string; line2?: string; city: string; postcode: string };
export type Shopper = {
  name: string;
  email: string;
  telephone: string;
  billing: Address;
  delivery?: Address & { recipient?: string };
};

export const checkoutForm = (page: Page) => page.locator('form[name="checkout"]');

export async function fillAddress(page: Page, which: 'billing' | 'delivery', address: Address) {
  const fieldset = checkoutForm(page).locator(`fieldset[data-address="${which}"]`);
  await fieldset.getByLabel('Address line 1').fill(address.line1);
  if (address.line2) await fieldset.getByLabel('Address line 2 (optional)').fill(address.line2);
  await fieldset.getByLabel('Town or city').fill(address.city);
  await fieldset.getByLabel('Postcode').fill(address.postcode);
}

export async function fillCheckout(page: Page, shopper: Shopper, method: 'standard' | 'express', card: string) {
  const form = checkoutForm(page);
  await expect(form).toHaveAttribute('action', '/api/checkout/place');
  await form.getByLabel('Full name').fill(shopper.name);
  await form.getByLabel('Email address').fill(shopper.email);
  await form.getByLabel('Telephone').fill(shopper.telephone);
  await fillAddress(page, 'billing', shopper.billing);
  const same = form.getByLabel('Deliver to my billing address');
  if (shopper.delivery) {
    await same.uncheck();
    await fillAddress(page, 'delivery', shopper.delivery);
    if (shopper.delivery.recipient) {
      await form.locator('fieldset[data-address="delivery"]').getByLabel("Recipient's name (optional)").fill(shopper.delivery.recipient);
    }
  } else {
    await expect(same).toBeChecked();
  }
  await fillPayment(page, method, card);
}

export async function fillPayment(page: Page, method: 'standard' | 'express', card: string) {
  const form = checkoutForm(page);
  await form.getByLabel(method === 'express' ? 'Express delivery' : 'Standard delivery').check();
  await form.getByLabel('Card number').fill(card);
  await form.getByLabel('Expiry date (MM/YY)').fill('12/34');
  await form.getByLabel('Security code').fill('123');
}

export async function placeOrder(page: Page): Promise<{ number: string; key: string }> {
  await checkoutForm(page).getByRole('button', { name: 'Place order' }).click();
  await expect(page).toHaveURL(PLACED_URL);
  const [, number, key] = page.url().match(PLACED_URL)!;
  await expect(page.getByRole('heading', { name: 'Thank you for your order' })).toBeVisible();
  await expect(page.locator('[data-order-number]')).toContainText(number);
  await expect(page.locator('[data-order-status]')).toHaveText('Paid');
  return { number, key };
}

export async function expectNoFullCardNumber(text: string, where: string, cards = FULL_CARD_NUMBERS) {
  for (const card of cards) expect(text, `${where} must not hold the card number ${card}`).not.toContain(card);
}
// A typed card number, spaced as typed or not (the checkout's own hint names the test Visa card).
export const typed = (card: string) => [card, card.replace(/ /g, '')];

export const shopper = (who: string, name: string): Shopper => ({
  name,
  email: unique(who),
  telephone: '+44 808 157 0192',
  billing: { line1: '12 Market Street', line2: 'Flat 3', city: 'York', postcode: 'YO1 8AA' },
});

// A hydrated guest order of `slug`, from product page to confirmation.
export async function guestOrder(page: Page, who: Shopper, slug: string, quantity = 1) {
  await addToBasket(page, slug, quantity);
  await page.goto('/checkout');
  await waitForHydration(page);
  await fillCheckout(page, who, 'standard', CARDS.visa);
  return placeOrder(page);
}
