/** Admins: the saved admin session; shoppers are driven through the API with their own sessions. */
import { test, expect } from './support/fixtures';
import { createSale, eventually, newShopperApi } from './support/api';

test('an admin creates a sale through the form, watches its queue while shoppers buy, and opens a hold in the Temporal UI', async ({
  page,
  context,
  shot,
}) => {
  await page.goto('/admin');
  await expect(page.getByRole('heading', { name: 'Sales' })).toBeVisible();
  await shot(page, '20-admin-sales');

  await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'New sale' }).click();
  await expect(page.getByRole('heading', { name: 'New sale' })).toBeVisible();
  // The shared zod schema speaks first: nothing is sent while fields are wrong.
  await page.getByLabel('Units for sale').fill('0');
  await page.getByRole('button', { name: 'Create sale' }).click();
  await expect(page.getByTestId('error-name')).toHaveText('name is required');
  await expect(page.getByTestId('error-startingQuantity')).toHaveText('startingQuantity must be at least 1');
  // An empty price is missing, not zero: the form sends numbers, never text the server would guess at.
  await expect(page.getByTestId('error-pricePerUnit')).toHaveText('pricePerUnit is required');
  await expect(page.getByLabel('Name')).toBeFocused();
  await shot(page, '21-admin-form-errors');

  const name = `Admin-made ${Date.now()}`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Description').fill('One unit, created through the admin form.');
  await page.getByLabel('Price per unit (USD)').fill('9.99');
  await page.getByLabel('Units for sale').fill('1');
  await expect(page.getByLabel('Starts at')).not.toHaveValue(''); // defaults: now, for an hour
  await page.getByRole('button', { name: 'Create sale' }).click();

  await expect(page).toHaveURL(/\/admin\/sales\/[a-f0-9]{24}\/monitor\?created=1$/);
  const id = /sales\/([a-f0-9]{24})\/monitor/.exec(page.url())![1]!;
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByTestId('stat-queue')).toHaveText('0');
  await expect(page.getByTestId('stat-holds')).toHaveText('0');
  await expect(page.getByTestId('stat-remaining')).toHaveText('1 / 1');

  const a = await newShopperApi('monitor-a');
  const b = await newShopperApi('monitor-b');
  try {
    await a.buy(id);
    await expect(page.getByTestId('stat-holds')).toHaveText('1');
    await expect(page.getByTestId('stat-available')).toHaveText('0');
    await b.buy(id);
    await expect(page.getByTestId('stat-queue')).toHaveText('1');
    await expect(page.getByTestId('queue-head')).toContainText(b.email);
    await expect(page.getByTestId('grants-chart')).toHaveAttribute('data-total', '1');
    await expect(page.getByTestId('grant-row').filter({ hasText: a.email })).toBeVisible();
    await expect(page.getByTestId('stat-fastpass')).toContainText('Active'); // last unit: strict order
    const holdRow = page.getByTestId('hold-row').filter({ hasText: a.email });
    await expect(holdRow).toBeVisible();
    await shot(page, '22-admin-monitor');

    // Follow the hold's link to its workflow in the Temporal UI (a new tab).
    const link = holdRow.getByRole('link', { name: `Open the hold of ${a.email} in the Temporal UI (new tab)` });
    const workflowId = await link.getAttribute('data-workflow-id');
    expect(workflowId).toBe(`hold:${id}:${a.email}`);
    const [ui] = await Promise.all([context.waitForEvent('page'), link.click()]);

    // Meanwhile the shopper pays: the monitor follows.
    await a.confirm(id);

    await ui.waitForLoadState('domcontentloaded');
    expect(ui.url()).toContain(`/namespaces/default/workflows/${encodeURIComponent(workflowId!)}`);
    await expect(ui.getByText(workflowId!).first()).toBeVisible({ timeout: 30_000 });
    await shot(ui, '23-temporal-ui-hold');
    await ui.close();

    await expect(page.getByTestId('stat-sold')).toHaveText('1');
    await expect(page.getByTestId('stat-remaining')).toHaveText('0 / 1');
    await expect(page.getByTestId('stat-holds')).toHaveText('0');
    await expect(page.getByTestId('stat-queue')).toHaveText('0', { timeout: 15_000 }); // b leaves: sold out
    await expect(page.getByTestId('stat-reconciliation')).toHaveText('Balanced');
    expect((await b.position(id)).status).toBe('sold_out');
  } finally {
    await a.dispose();
    await b.dispose();
  }
});

test('an admin edits a sale (validated) and deletes one that has no orders', async ({ page, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 3, startsInSec: 3600, endsInSec: 7200, name: `Editable ${Date.now()}` });
  await page.goto('/admin');
  await page.getByRole('link', { name: `Edit ${sale.name}` }).click();
  await expect(page.getByRole('heading', { name: `Edit “${sale.name}”` })).toBeVisible();

  // Ends before it starts: refused by the schema's window rule, on the field.
  const starts = await page.getByLabel('Starts at').inputValue();
  await page.getByLabel('Ends at').fill(starts.replace(/T\d\d:\d\d$/, 'T00:00'));
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByTestId('error-endsAt')).toHaveText('endsAt must be after startsAt');

  const renamed = `${sale.name} (renamed)`;
  await page.getByLabel('Ends at').fill('2099-01-01T12:00');
  await page.getByLabel('Name').fill(renamed);
  await page.getByLabel('Units for sale').fill('7');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByRole('heading', { name: `Edit “${renamed}”` })).toBeVisible();
  // The page has refreshed with the saved sale: the form and its status outlive that refresh.
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(page.getByLabel('Name')).toHaveValue(renamed);
  await shot(page, '25-admin-edit');

  const updated = await admin.publicSale(sale.id);
  expect(updated.item.name).toBe(renamed);
  expect(updated.item.startingQuantity).toBe(7);
  expect(updated.item.endsAt.getUTCFullYear()).toBe(2099);
  expect(updated.item.description, 'a field the form did not change keeps its value').toBe('Created by the end-to-end tests.');

  await page.getByRole('button', { name: 'Delete sale' }).click();
  await page.getByRole('button', { name: `Yes, delete “${renamed}”` }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByRole('link', { name: `Edit ${renamed}` })).toHaveCount(0);
});

test('the orders table filters by sale, status and buyer, and pages', async ({ page, admin, shot }) => {
  const sale = await createSale(admin, { quantity: 3, price: 5, name: `Orders ${Date.now()}` });
  const buyers = [await newShopperApi('orders-a'), await newShopperApi('orders-b')];
  try {
    for (const buyer of buyers) {
      await buyer.buy(sale.id);
      await eventually(async () => (await buyer.position(sale.id)).status === 'held', 15_000, 'held');
      await buyer.confirm(sale.id);
    }
  } finally {
    await Promise.all(buyers.map((b) => b.dispose()));
  }

  await page.goto(`/admin/orders?sale=${sale.id}`);
  await expect(page.getByTestId('admin-order-row')).toHaveCount(2);
  await expect(page.getByTestId('orders-total')).toHaveText('2 orders');
  await shot(page, '24-admin-orders');

  await page.getByLabel('Status').selectOption('refunded');
  await expect(page.getByText('No orders match.')).toBeVisible();
  await page.getByLabel('Status').selectOption('paid');
  await expect(page.getByTestId('admin-order-row')).toHaveCount(2);

  await page.getByLabel('Buyer email').fill(buyers[1]!.email);
  await expect(page.getByTestId('admin-order-row')).toHaveCount(1);
  await expect(page.getByTestId('admin-order-row')).toContainText(buyers[1]!.email);
  await page.getByLabel('Buyer email').fill('');

  // All sales, 10 a page: the pager tells where we are and moves.
  await page.getByLabel('Sale').selectOption('');
  await page.getByLabel('Per page').selectOption('10');
  const pager = page.getByRole('navigation', { name: 'Pages' });
  await expect(pager).toContainText(/Page 1 of \d+/);
  const pages = Number(/of (\d+)/.exec((await pager.textContent()) ?? '')?.[1]);
  if (pages > 1) {
    await pager.getByRole('button', { name: 'Next' }).click();
    await expect(pager).toContainText(`Page 2 of ${pages}`);
  } else {
    await expect(pager.getByRole('button', { name: 'Next' })).toBeDisabled();
  }
});

test('an admin pauses a live sale (the queue keeps its order, nobody is granted), resumes it, and extends its end', async ({
  page,
  admin,
  shot,
}) => {
  const sale = await createSale(admin, { quantity: 2, name: `Paused ${Date.now()}` });
  const buyers = [await newShopperApi('pause-a'), await newShopperApi('pause-b')];
  try {
    await page.goto(`/admin/sales/${sale.id}`);
    const panel = page.getByTestId('sale-lifecycle');
    await expect(panel.getByTestId('lifecycle-state')).toContainText('Running');
    await panel.getByRole('button', { name: 'Pause sale' }).click();
    await expect(panel.getByRole('status')).toHaveText('Paused: nothing is granted until you resume.');
    await expect(panel.getByTestId('lifecycle-state')).toContainText('Paused');
    await shot(page, '25-admin-sale-paused');

    // The shop says so (the public status is cached a quarter of a second).
    const shop = await page.context().newPage();
    await shop.goto(`/sales/${sale.id}`);
    await expect(shop.getByTestId('sale-paused')).toBeVisible();
    await shop.close();

    // Units are free, yet joining a paused sale queues: in order, nobody granted.
    for (const b of buyers) await b.buy(sale.id);
    expect((await buyers[0]!.position(sale.id)).status).toBe('queued');
    expect((await buyers[1]!.position(sale.id)).position).toBe(2);

    await panel.getByRole('button', { name: 'Resume sale' }).click();
    await expect(panel.getByTestId('lifecycle-state')).toContainText('Running');
    for (const b of buyers)
      await eventually(async () => (await b.position(sale.id)).status === 'held', 20_000, `${b.email} granted after the resume`);

    await panel.getByLabel('Extend the end by').fill('30');
    await panel.getByRole('button', { name: 'Extend' }).click();
    await expect(panel.getByRole('status')).toHaveText('The end moved.');
    const after = await admin.getSale(sale.id);
    expect(new Date(after.endsAt).getTime()).toBe(new Date(sale.endsAt).getTime() + 30 * 60_000);
  } finally {
    await Promise.all(buyers.map((b) => b.dispose()));
  }
});
