/** Visitors who are not signed in. */
import { test, expect } from './support/fixtures';
import { createSale } from './support/api';
import { e2e } from './support/env';
import { expectAccessible } from './support/a11y';

test('anonymous /admin is redirected to sign-in, and comes back after signing in', async ({ page }) => {
  await page.goto('/admin/orders');
  await expect(page).toHaveURL(/\/signin\?as=admin&callbackUrl=%2Fadmin%2Forders$/);
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
  await expectAccessible(page);
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
  await expect(card.getByTestId('stock-sold')).toHaveText('0 of 5 sold');
  await shot(page, '03-home');
  await card.getByRole('link', { name: `View sale: ${sale.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`/sales/${sale.id}$`));
  await expect(page.getByRole('heading', { level: 1, name: sale.name })).toBeVisible();
  await expect(page.getByTestId('stock-summary')).toHaveText('5 of 5 available now.');
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
  await shot(page, '04-signup-closed');
});

test('the API docs page is Swagger UI on the OpenAPI document, served by the app', async ({ page, shot }) => {
  const seen: string[] = [];
  page.on('request', (r) => seen.push(r.url()));
  await page.goto('/docs');
  // Operations listed from /api/v1/openapi.json, with their summaries; one opens to its parameters.
  const buy = page.locator('.opblock').filter({ hasText: '/api/v1/orders/buy' });
  await expect(buy).toContainText('Join the sale queue (FIFO)');
  await expect(page.locator('.opblock')).toHaveCount(
    await page.evaluate(async () => {
      const spec = (await (await fetch('/api/v1/openapi.json')).json()) as { paths: Record<string, object> };
      return Object.values(spec.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    }),
  );
  await buy.locator('.opblock-summary').click();
  await expect(buy.getByText('Request body')).toBeVisible();
  await shot(page, '30-docs');
  // Nothing came from anywhere but the app (the CSP would block it; the console guard would say).
  expect(seen.filter((u) => new URL(u).origin !== new URL(page.url()).origin)).toEqual([]);
});

test('an unknown sale shows the not-found page', async ({ page, consoleGuard, shot }) => {
  consoleGuard.allow(/status of 404/); // Chromium logs the document's real 404
  const res = await page.goto('/sales/000000000000000000000000');
  expect(res?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await shot(page, '31-not-found');
});

test('a page that fails while rendering shows the error page with a way on', async ({ page, admin, consoleGuard, shot }) => {
  const sale = await createSale(admin, { quantity: 2, name: `Breaks ${Date.now()}` });
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByRole('heading', { level: 1, name: sale.name })).toBeVisible();
  // The page's next poll gets a sale with nothing in it: rendering throws, the error boundary
  // (src/app/error.tsx) takes over. React reports the caught error on the console.
  consoleGuard.allow(/TypeError|Cannot read properties of null/);
  await page.route(/\/api\/trpc\/[^?]*sales\.public/, async (route) => {
    const res = await route.fetch();
    const procedures = new URL(route.request().url()).pathname.split('/').pop()!.split(',');
    const body = (await res.json()) as unknown[];
    await route.fulfill({
      response: res,
      json: procedures.map((p, i) => (p === 'sales.public' ? { result: { data: { json: { item: null, meta: null } } } } : body[i])),
    });
  });
  await expect(page.getByRole('heading', { name: 'Something went wrong' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Service status' })).toHaveAttribute('href', '/health');
  await shot(page, '32-error');
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
