/**
 * Shoppers: every test signs in its own new shopper(s), so no state leaks between tests. Sales are
 * created through the admin API; extra shoppers are driven through the API with their own sessions.
 */
import { test, expect } from './support/fixtures';
import { createSale, eventually, newShopperApi } from './support/api';
import { e2e } from './support/env';

test('a shopper buys, is held, pays with the mock card form and sees the order', async ({ shopper, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 3, price: 42, name: `Purchase ${Date.now()}`, description: 'Three units only.' });
  const { page } = await shopper('buyer');

  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByRole('heading', { name: sale.name })).toBeVisible();
  await expect(page.getByTestId('sale-status')).toHaveText('Live');
  await expect(page.getByTestId('sale-countdown')).toContainText('Ends in');
  await expect(page.getByTestId('stock-summary')).toHaveText('3 of 3 available now.');
  // The bot defence (on for this app): the widget solves a proof-of-work challenge by itself, in
  // workers served from this origin under the page's CSP, and only then unlocks the button.
  await expect(page.getByTestId('bot-check').locator('.altcha[data-state="verified"]')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Buy now/ })).toBeEnabled();
  await shot(page, '05-sale-page');

  await page.getByRole('button', { name: /^Buy now/ }).click();
  await expect(page.getByTestId('hold-view')).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText(/^00:(0\d|1[0-5])$/);
  await shot(page, '06-hold');

  await page.getByLabel('Name on card').fill('Test Shopper');
  await page.getByRole('button', { name: 'Pay $42.00' }).click();
  await expect(page.getByTestId('outcome-purchased')).toBeVisible();
  await expect(page.getByTestId('stock-summary')).toHaveText('2 of 3 available now.');
  await expect(page.getByTestId('stock-sold')).toHaveText('1');
  await shot(page, '07-purchased');

  await page.getByRole('link', { name: 'See my orders' }).click();
  await expect(page).toHaveURL(/\/orders$/);
  const row = page.getByTestId('order-row').filter({ hasText: sale.name });
  await expect(row).toContainText('$42.00');
  await expect(row).toContainText('paid');
  await shot(page, '08-my-orders');

  // Coming back to the sale: one per person, and the page says it is already bought.
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByTestId('outcome-already-purchased')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Buy now/ })).toHaveCount(0);
});

test('the card form checks its fields before paying', async ({ shopper, admin }) => {
  const sale = await createSale(admin, { quantity: 2 });
  const { page, api } = await shopper('card');
  await page.goto(`/sales/${sale.id}`);
  await page.getByRole('button', { name: /^Buy now/ }).click();
  await expect(page.getByTestId('hold-view')).toBeVisible();
  await page.getByLabel('Card number').fill('4242 4242 4242 4241');
  await page.getByRole('button', { name: /^Pay / }).click();
  await expect(page.getByText('Enter the name on the card')).toBeVisible();
  await expect(page.getByText('Enter a valid card number')).toBeVisible();
  await expect(page.getByLabel('Name on card')).toBeFocused();
  expect((await api.position(sale.id)).status).toBe('held'); // nothing was sent
  await page.getByRole('button', { name: 'Cancel and release the unit' }).click();
  await expect(page.getByTestId('outcome-cancelled')).toBeVisible();
});

test('a second shopper queues behind the only unit and is promoted when the first cancels', async ({ shopper, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 1, price: 99, name: `Queue ${Date.now()}` });
  const first = await shopper('first');
  const second = await shopper('second');

  await first.page.goto(`/sales/${sale.id}`);
  await first.page.getByRole('button', { name: /^Buy now/ }).click();
  await expect(first.page.getByTestId('hold-view')).toBeVisible();

  await second.page.goto(`/sales/${sale.id}`);
  // The only unit is held, not gone: the page says so and what joining means.
  await expect(second.page.getByTestId('stock-available')).toHaveText('0');
  await expect(second.page.getByTestId('stock-held')).toHaveText('1');
  await expect(second.page.getByTestId('stock-summary')).toHaveText(
    /held by a buyer who has not paid yet: join the queue and you get one if a holder does not pay in time/,
  );
  await expect(second.page.getByTestId('join-hint')).toContainText('you get one if a holder does not pay in time');
  await shot(second.page, '09-all-held');
  await second.page.getByRole('button', { name: 'Join the queue', exact: true }).click();
  const queue = second.page.getByTestId('queue-view');
  await expect(queue).toBeVisible();
  await expect(second.page.getByTestId('queue-position')).toHaveText('#1');
  await expect(second.page.getByTestId('queue-ahead')).toHaveText('0');
  await expect(second.page.getByTestId('queue-size')).toHaveText('1');
  await expect(second.page.getByTestId('queue-eta')).toContainText('every unit is held');
  await expect(queue).toContainText('Live: your place updates by itself.'); // pushed over SSE
  await shot(second.page, '09-queue');

  await first.page.getByRole('button', { name: 'Cancel and release the unit' }).click();
  await expect(first.page.getByTestId('outcome-cancelled')).toBeVisible();

  // The released unit goes to the head of the queue: the second page switches to the hold by itself.
  await expect(second.page.getByTestId('hold-view')).toBeVisible({ timeout: 15_000 });
  await second.page.getByLabel('Name on card').fill('Second Shopper');
  await second.page.getByRole('button', { name: 'Pay $99.00' }).click();
  await expect(second.page.getByTestId('outcome-purchased')).toBeVisible();
});

test('when live updates cannot connect, the queue view polls instead and still sees the promotion', async ({ shopper, admin }) => {
  const sale = await createSale(admin, { quantity: 1 });
  const holder = await newShopperApi('holder');
  try {
    await holder.buy(sale.id);
    await eventually(async () => (await holder.position(sale.id)).status === 'held', 15_000, 'holder held');

    const { page, context } = await shopper('polling');
    // Every push connection is left unanswered: after a few seconds the page polls instead.
    await context.route(/\/api\/trpc\/orders\.watch\b/, () => {});
    await page.goto(`/sales/${sale.id}`);
    await page.getByRole('button', { name: 'Join the queue', exact: true }).click();
    await expect(page.getByTestId('queue-view')).toContainText('Updating every second.');
    await expect(page.getByTestId('queue-position')).toHaveText('#1');

    await holder.cancel(sale.id);
    await expect(page.getByTestId('hold-view')).toBeVisible({ timeout: 15_000 });
  } finally {
    await holder.dispose();
  }
});

test('a hold that runs out expires and the page says so', async ({ shopper, admin, shot }) => {
  test.setTimeout(e2e.holdTtlSec * 1000 + 60_000);
  const sale = await createSale(admin, { quantity: 2 });
  const { page, api } = await shopper('slow');
  await page.goto(`/sales/${sale.id}`);
  await page.getByRole('button', { name: /^Buy now/ }).click();
  await expect(page.getByTestId('hold-view')).toBeVisible();

  await expect(page.getByTestId('outcome-expired')).toBeVisible({ timeout: (e2e.holdTtlSec + 10) * 1000 });
  await expect(page.getByTestId('hold-view')).toHaveCount(0);
  await shot(page, '10-expired');
  // The server agrees and the unit is back in stock; the shopper may queue again.
  await eventually(async () => (await api.position(sale.id)).status === 'expired', 15_000, 'expired on the server');
  await expect(page.getByRole('button', { name: 'Join the queue again' })).toBeEnabled();
});

test('sold out: the shopper waiting for the last unit sees it sell, and a newcomer sees sold out', async ({ shopper, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 1, name: `Last unit ${Date.now()}` });
  const winner = await newShopperApi('winner');
  try {
    await winner.buy(sale.id);
    await eventually(async () => (await winner.position(sale.id)).status === 'held', 15_000, 'winner held');

    const waiting = await shopper('waiting');
    await waiting.page.goto(`/sales/${sale.id}`);
    await waiting.page.getByRole('button', { name: 'Join the queue', exact: true }).click();
    await expect(waiting.page.getByTestId('queue-view')).toBeVisible();

    await winner.confirm(sale.id);
    await expect(waiting.page.getByTestId('outcome-sold-out')).toBeVisible({ timeout: 15_000 });
    await expect(waiting.page.getByTestId('sale-status')).toHaveText('Sold out');

    const late = await shopper('late');
    await late.page.goto(`/sales/${sale.id}`);
    await expect(late.page.getByTestId('outcome-sold-out')).toBeVisible();
    await expect(late.page.getByTestId('stock-summary')).toHaveText('Sold out: the only unit is paid for.');
    await expect(late.page.getByRole('button', { name: /^Buy now/ })).toHaveCount(0);
    await shot(late.page, '11-sold-out');
  } finally {
    await winner.dispose();
  }
});

test('a sale ending while the shopper watches says it has ended', async ({ shopper, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 5, startsInSec: -60, endsInSec: 12 });
  const { page } = await shopper('late-comer');
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByTestId('sale-countdown')).toContainText(/Ends in\s*00:[01]\d/);
  await expect(page.getByRole('button', { name: /^Buy now/ })).toBeVisible();
  await expect(page.getByTestId('outcome-ended')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('sale-status')).toHaveText('Ended');
  await expect(page.getByRole('button', { name: /^Buy now/ })).toHaveCount(0);
  await shot(page, '12-ended');
});

test('an upcoming sale counts down to its start and does not sell yet', async ({ shopper, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 5, startsInSec: 3600, endsInSec: 7200 });
  const { page } = await shopper('early');
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByTestId('sale-status')).toHaveText('Upcoming');
  await expect(page.getByTestId('sale-countdown')).toContainText(/Starts in\s*(1:00:00|59:\d\d)/);
  await expect(page.getByRole('button', { name: 'Buying opens when the sale starts' })).toBeDisabled();
  await shot(page, '12-upcoming');
});

test('a waiting-room sale before its start: the shopper enters the room, sees how the order is drawn, and is placed at the opening', async ({
  shopper,
  admin,
  shot,
}) => {
  const sale = await createSale(admin, {
    quantity: 2,
    startsInSec: 12,
    endsInSec: 600,
    preQueue: 'random',
    name: `Waiting room ${Date.now()}`,
  });
  const { page, api } = await shopper('early-bird');
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByTestId('sale-status')).toHaveText('Upcoming');
  await expect(page.getByTestId('join-hint')).toContainText('placed in the queue in a random order');
  await page.getByRole('button', { name: 'Enter the waiting room' }).click();
  const room = page.getByTestId('waiting-room-view');
  await expect(room).toBeVisible();
  await expect(room).toContainText("You're in the waiting room");
  await expect(page.getByTestId('waiting-room-summary')).toHaveText(
    '1 person is waiting. Your place in the queue is drawn by lot when the sale opens.',
  );
  await expect(page.getByTestId('public-waiting-room-size')).toHaveText('1');
  expect((await api.position(sale.id)).status).toBe('waiting');
  await shot(page, '12-waiting-room');
  // At the opening (12 s after the sale was created) the room is placed in the queue; with units
  // free, this shopper gets one. The wait is for the clock, not for a slow answer.
  await expect(page.getByTestId('hold-view')).toBeVisible({ timeout: 30_000 });
});

test('a paused sale says so, and that joining keeps the place', async ({ shopper, admin }) => {
  const sale = await createSale(admin, { quantity: 2 });
  await admin.pauseSale(sale.id);
  const { page } = await shopper('paused');
  await page.goto(`/sales/${sale.id}`);
  await expect(page.getByTestId('sale-paused')).toContainText('Joining keeps your place in the queue.');
  await page.getByRole('button', { name: 'Join the queue', exact: true }).click();
  await expect(page.getByTestId('queue-view')).toBeVisible();
  await expect(page.getByTestId('queue-eta')).toContainText('the sale is paused');
});

test('a shopper opening /admin is refused', async ({ page, consoleGuard, shot }) => {
  // The refusal is a real 403, which Chromium logs for the document: that one message is expected.
  consoleGuard.allow(/status of 403/);
  const res = await page.goto('/admin');
  expect(res?.status()).toBe(403);
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('forbidden')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Admins only' })).toBeVisible();
  await shot(page, '13-forbidden');
  // The admin API refuses the same session too.
  const api = await page.request.get(`/api/trpc/sales.list?input=${encodeURIComponent(JSON.stringify({ json: { scope: 'all' } }))}`);
  expect(api.status()).toBe(403);
});

test.describe('on a phone-sized screen', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the sale page fits the screen and the purchase works', async ({ shopper, admin, shot }) => {
    const sale = await createSale(admin, { quantity: 2, price: 7.5, name: `Phone ${Date.now()}` });
    const { page } = await shopper('phone');
    await page.goto(`/sales/${sale.id}`);
    await expect(page.getByRole('heading', { name: sale.name })).toBeVisible();
    await expect(page.getByRole('button', { name: /^Buy now/ })).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, '14-phone-sale');
    await page.getByRole('button', { name: /^Buy now/ }).click();
    await expect(page.getByTestId('hold-view')).toBeVisible();
    await page.getByLabel('Name on card').fill('Phone Shopper');
    await page.getByRole('button', { name: 'Pay $7.50' }).click();
    await expect(page.getByTestId('outcome-purchased')).toBeVisible();
    await shot(page, '15-phone-purchased');
  });
});
