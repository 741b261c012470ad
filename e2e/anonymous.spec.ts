/** Visitors who are not signed in. */
import { test, expect } from './support/fixtures';
import { createSale } from './support/api';
import { e2e } from './support/env';
import { expectEveryControlLabelled } from './support/a11y';

test('anonymous /admin is redirected to sign-in, and comes back after signing in', async ({ page }) => {
  await page.goto('/admin/orders');
  await expect(page).toHaveURL(/\/signin\?as=admin&callbackUrl=%2Fadmin%2Forders$/);
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
  await expectEveryControlLabelled(page);
  await page.getByLabel('Email').fill(e2e.admin.email);
  await page.getByLabel('Password').fill(e2e.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin\/orders$/);
  await expect(page.getByRole('heading', { name: 'Orders' })).toBeVisible();
});

test('the shop front lists live sales and a sale page invites to sign in', async ({ page, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 5, price: 12.5, name: `Anonymous view ${Date.now()}` });
  await page.goto('/');
  const card = page.getByTestId('sale-card').filter({ hasText: sale.name });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('sale-status')).toHaveText('Live');
  await expectEveryControlLabelled(page);
  await shot(page, '03-home');
  await card.getByRole('link', { name: `View ${sale.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/sales/${sale.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: sale.name })).toBeVisible();
  await expect(page.getByTestId('stock-left')).toHaveText('5 of 5 left');
  await page.getByRole('link', { name: 'Sign in to buy' }).click();
  await expect(page).toHaveURL(new RegExp(`/signin\\?callbackUrl=%2Fsales%2F${sale.id}$`));
});

test('health page shows every service up, and sign-up is closed once an admin exists', async ({ page, shot, consoleGuard }) => {
  await page.goto('/health');
  for (const s of ['redis', 'mongo', 'temporal']) {
    await expect(page.getByTestId(`health-${s}`)).toHaveAttribute('data-ok', 'true');
  }
  await expect(page.getByTestId('health-overall')).toHaveText('All systems go');
  await shot(page, '04-health');
  // Without the one-time setup link, /signup is a 403 (the browser logs it).
  consoleGuard.allow(/status of 403/);
  const res = await page.goto('/signup');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('signup-closed')).toBeVisible();
});

test('pages carry the security headers and still hydrate under the nonce-based policy', async ({ page }) => {
  const res = await page.goto('/signin');
  const headers = res!.headers();
  const csp = headers['content-security-policy'] ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(nonce, `a nonce in ${csp}`).toBeTruthy();
  expect(csp).not.toContain('unsafe-eval');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  // Next.js put the request's nonce on its inline scripts (the browser hides the attribute's value from the DOM).
  const inline = await page.evaluate(() => [...document.scripts].filter((s) => !s.src).map((s) => s.nonce));
  expect(inline.length).toBeGreaterThan(0);
  expect(inline.every((n) => n === nonce)).toBe(true);
  // Hydrated: React handles the tab's click (a CSP refusal would also fail the test through the console guard).
  await page.getByRole('tab', { name: 'Admin' }).click();
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
});
