/**
 * Shared fixtures:
 *  - every page the test opens on the app is watched; any console error or uncaught page error
 *    fails the test (a test may allow a specific, expected message, e.g. a deliberate 403);
 *  - `shopper()` opens a fresh browser context signed in as a brand-new shopper (unique per test;
 *    the code is read from the mail, as a person would);
 *  - `admin` is an API client with the admin session;
 *  - `shot()` checks one of our pages with axe (no serious or critical violation) and saves it at
 *    desktop and phone width under test-results/screenshots/ (git-ignored artifacts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { adminApi, signInShopper, trpc, uniqueEmail, type Api } from './api';
import { expectAccessible } from './a11y';
import { e2e } from './env';

/** Every `shot()` of one of our pages is taken at these sizes (after an axe check). */
const SHOT_WIDTHS = [
  { label: 'desktop', width: 1280, height: 860 },
  { label: 'phone', width: 390, height: 844 },
];

interface Problem {
  kind: 'console' | 'pageerror';
  url: string;
  text: string;
}

export class ConsoleGuard {
  readonly problems: Problem[] = [];
  private readonly allowed: RegExp[] = [];
  private readonly origin = new URL(e2e.baseURL).origin;

  /** Lets one expected message through (e.g. the browser logging a deliberate 403). */
  allow(pattern: RegExp) {
    this.allowed.push(pattern);
  }

  watch(context: BrowserContext) {
    for (const p of context.pages()) this.watchPage(p);
    context.on('page', (p) => this.watchPage(p));
  }

  private ours(page: Page) {
    try {
      return new URL(page.url()).origin === this.origin;
    } catch {
      return false;
    }
  }

  private watchPage(page: Page) {
    page.on('console', (msg) => {
      if (msg.type() !== 'error' || !this.ours(page)) return;
      const loc = msg.location();
      this.record({ kind: 'console', url: page.url(), text: `${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}` });
    });
    page.on('pageerror', (err) => {
      if (!this.ours(page)) return;
      this.record({ kind: 'pageerror', url: page.url(), text: `${err.name}: ${err.message}` });
    });
  }

  private record(p: Problem) {
    if (this.allowed.some((re) => re.test(p.text))) return;
    this.problems.push(p);
  }
}

type Shopper = { email: string; page: Page; context: BrowserContext; api: Api };

export const test = base.extend<{
  consoleGuard: ConsoleGuard;
  shopper: (tag?: string) => Promise<Shopper>;
  admin: Api;
  shot: (page: Page, name: string) => Promise<void>;
}>({
  consoleGuard: [
    async ({}, use, testInfo) => {
      const guard = new ConsoleGuard();
      await use(guard);
      if (guard.problems.length) {
        await testInfo.attach('console-errors', { body: JSON.stringify(guard.problems, null, 2), contentType: 'application/json' });
        throw new Error(`console errors on the page:\n${guard.problems.map((p) => `  [${p.kind}] ${p.url}: ${p.text}`).join('\n')}`);
      }
    },
    { auto: true },
  ],

  context: async ({ context, consoleGuard }, use) => {
    consoleGuard.watch(context);
    await use(context);
  },

  shopper: async ({ browser, consoleGuard, viewport, isMobile, hasTouch }, use) => {
    const opened: BrowserContext[] = [];
    await use(async (tag = 'shopper') => {
      const context = await browser.newContext({ baseURL: e2e.baseURL, viewport, isMobile, hasTouch });
      opened.push(context);
      consoleGuard.watch(context);
      const email = uniqueEmail(tag);
      await signInShopper(context.request, email);
      const page = await context.newPage();
      return { email, page, context, api: trpc(context.request) };
    });
    for (const c of opened) await c.close();
  },

  admin: async ({}, use) => {
    const api = await adminApi();
    await use(api);
    await api.dispose();
  },

  shot: async ({}, use, testInfo) => {
    mkdirSync(e2e.screenshotsDir, { recursive: true });
    await use(async (page, name) => {
      const ours = new URL(page.url()).origin === new URL(e2e.baseURL).origin;
      if (ours) await expectAccessible(page);
      const original = page.viewportSize();
      // Our pages at both widths; another site (the Temporal UI) as it is.
      const widths = ours ? SHOT_WIDTHS : [{ label: 'desktop', width: original?.width ?? 1280, height: original?.height ?? 860 }];
      for (const w of widths) {
        if (ours) await page.setViewportSize({ width: w.width, height: w.height });
        const path = join(e2e.screenshotsDir, `${name}-${w.label}.png`);
        await page.screenshot({ path, fullPage: true });
        await testInfo.attach(`${name}-${w.label}`, { path, contentType: 'image/png' });
      }
      if (ours && original) await page.setViewportSize(original);
    });
  },
});

export { expect };
