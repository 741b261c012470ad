/**
 * Verified shoppers in the browser: the sign-in page asks for the email, then the code mailed to
 * it (read here from Mailpit's API, as a person reads their inbox). A signed-in shopper buys and
 * pays, and an admin sees the order; the page handles a wrong code, an expired code (this suite's
 * codes last E2E_CODE_TTL_SECONDS) and "send a new code".
 */
import { request, type Page } from '@playwright/test';
import { test, expect } from './support/fixtures';
import { createSale, uniqueEmail } from './support/api';
import { e2e } from './support/env';
import { codeIn, mailCount, waitForMail } from '../tests/support/mailpit';

/** Types the email, asks for a code and returns the one that arrived. */
async function askForCode(page: Page, email: string, button = 'Send code'): Promise<string> {
  const seen = await mailCount(email);
  if (button === 'Send code') await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: button }).click();
  return codeIn(await waitForMail(email, seen));
}

test('a shopper signs in with the code from the mail, buys, pays; an admin sees the order', async ({ page, admin, browser, shot }) => {
  const sale = await createSale(admin, { quantity: 2, price: 12, name: `Verified ${Date.now()}` });
  const email = uniqueEmail('verified');

  await page.goto(`/sales/${sale.id}`);
  await page.getByRole('link', { name: 'Sign in to buy' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to shop' })).toBeVisible();
  await expect(page.getByText('We email you a 6-digit code: no password.')).toBeVisible();
  const code = await askForCode(page, email);
  await expect(page.getByTestId('code-sent')).toHaveText(
    `We sent a 6-digit code to ${email}. It works once, for ${e2e.codeTtlSec} seconds.`,
  );
  await expect(page.getByLabel('6-digit code from the email')).toBeFocused();
  await shot(page, '02b-signin-code');
  await page.getByLabel('6-digit code from the email').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();

  // Back on the sale, signed in as that email.
  await expect(page).toHaveURL(new RegExp(`/sales/${sale.id}$`));
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);
  await page.getByRole('button', { name: /^Buy now/ }).click();
  await expect(page.getByTestId('hold-view')).toBeVisible();
  await page.getByLabel('Name on card').fill('Verified Shopper');
  await page.getByRole('button', { name: 'Pay $12.00' }).click();
  await expect(page.getByTestId('outcome-purchased')).toBeVisible();

  // The admin's orders table has it, under the verified email.
  const adminContext = await browser.newContext({ baseURL: e2e.baseURL, storageState: e2e.adminState });
  try {
    const adminPage = await adminContext.newPage();
    await adminPage.goto(`/admin/orders?sale=${sale.id}`);
    const row = adminPage.getByTestId('admin-order-row');
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(email);
    await expect(row).toContainText('paid');
  } finally {
    await adminContext.close();
  }
});

test('the sign-in page handles a wrong code, an expired code and "send a new code"', async ({ page, consoleGuard, shot }) => {
  test.setTimeout(e2e.codeTtlSec * 1000 + 60_000);
  // A refused code is a real 401 from the sign-in endpoint, which Chromium logs: that message is expected.
  consoleGuard.allow(/status of 401/);
  const email = uniqueEmail('codes');
  await page.goto('/signin');
  const first = await askForCode(page, email);
  const codeField = page.getByLabel('6-digit code from the email');

  // A wrong code: said on the field, which keeps the focus; tries are counted.
  const wrong = first === '000000' ? '111111' : '000000';
  await codeField.fill(wrong);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('code-error')).toHaveText('That code is not right: 4 tries left');
  await expect(codeField).toHaveAttribute('aria-invalid', 'true');
  await expect(codeField).toBeFocused();
  await shot(page, '02c-signin-wrong-code');

  // Too short to be a code: the page says so without asking the server.
  await codeField.fill('12');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('code-error')).toHaveText('code must be the 6 digits from the email');

  // The right code, too late.
  await page.waitForTimeout(e2e.codeTtlSec * 1000 + 500);
  await codeField.fill(first);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('code-error')).toHaveText('This code has expired: send a new code');
  await shot(page, '02d-signin-expired-code');

  // A new code replaces it, and signs in.
  const second = await askForCode(page, email, 'Send a new code');
  await expect(page.getByTestId('code-sent')).toContainText('We sent a new code');
  await expect(page.getByTestId('code-error')).toHaveCount(0);
  await codeField.fill(second);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);
});

test('without a code there is no shopper session: the guest sign-in is gone and the API refuses', async ({ page }) => {
  const api = await request.newContext({ baseURL: e2e.baseURL });
  try {
    const email = uniqueEmail('no-code');
    const { csrfToken } = (await (await api.get('/api/auth/csrf')).json()) as { csrfToken: string };
    await api.post('/api/auth/callback/guest', { form: { csrfToken, email, json: 'true' }, maxRedirects: 0 });
    expect((await api.storageState()).cookies.some((c) => c.name.endsWith('session-token'))).toBe(false);
    const buy = await api.post('/api/v1/orders/buy', { data: { email, flashSaleId: '000000000000000000000000' } });
    expect(buy.status()).toBe(401);
  } finally {
    await api.dispose();
  }
  await page.goto('/signin');
  await expect(page.getByRole('button', { name: 'Continue' })).toHaveCount(0);
});
