/**
 * Runs first: creates the admin with `npm run admin:create`'s script, then signs in once per role
 * through the sign-in page and saves each browser state for the specs of that role.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { test as setup, expect } from './support/fixtures';
import { uniqueEmail } from './support/api';
import { e2e } from './support/env';
import { codeIn, mailCount, waitForMail } from '../tests/support/mailpit';

setup('admin account exists (admin:create script)', () => {
  const out = execFileSync('npx', ['tsx', 'scripts/admin-create.ts', '--email', e2e.admin.email], {
    env: { ...process.env, ADMIN_PASSWORD: e2e.admin.password, NODE_ENV: 'production' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(out).toMatch(/(created|updated) admin/);
});

setup('admin signs in with email and password', async ({ page, shot }) => {
  await page.goto('/signin?as=admin');
  await expect(page.getByRole('heading', { name: 'Admin sign-in' })).toBeVisible();
  await shot(page, '01-signin-admin');
  await page.getByLabel('Email').fill(e2e.admin.email);
  await page.getByLabel('Password').fill(e2e.admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(`${e2e.admin.email} (admin)`);
  mkdirSync(dirname(e2e.adminState), { recursive: true });
  await page.context().storageState({ path: e2e.adminState });
});

setup('shopper signs in with the code mailed to them (read from Mailpit)', async ({ page, shot }) => {
  const email = uniqueEmail('setup-shopper');
  await page.goto('/signin');
  await expect(page.getByRole('heading', { name: 'Sign in to shop' })).toBeVisible();
  await shot(page, '02-signin-shopper');
  const seen = await mailCount(email);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send code' }).click();
  await expect(page.getByTestId('code-sent')).toContainText(`We sent a 6-digit code to ${email}`);
  const code = codeIn(await waitForMail(email, seen));
  await page.getByLabel('6-digit code from the email').fill(code);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId('signed-in-as')).toHaveText(email);
  mkdirSync(dirname(e2e.shopperState), { recursive: true });
  await page.context().storageState({ path: e2e.shopperState });
});
