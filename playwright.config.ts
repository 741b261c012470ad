/**
 * End-to-end tests: Debian's Chromium against the production build, with its own worker on a
 * private task queue and short holds. `npm test` (scripts/test.ts) runs this after the unit phase
 * with the services' env (REDIS_URL, MONGODB_URI, TEMPORAL_ADDRESS, ...) in process.env.
 *
 *   npx tsx scripts/test.ts --only=e2e            services + this suite
 *   npx tsx scripts/test.ts --only=e2e -- --grep queue
 */
import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';

// Set once in the runner process; its test workers inherit them (the config is loaded in both).
process.env.E2E_PORT ??= '3100';
process.env.E2E_TASK_QUEUE ??= `e2e-${randomBytes(4).toString('hex')}`;
process.env.E2E_HOLD_TTL_SECONDS ??= '15';
// Sign-in codes last this long here, so the expired-code test waits seconds, not 10 minutes.
process.env.E2E_CODE_TTL_SECONDS ??= '20';
// Shoppers sign in with a code mailed to Mailpit (npm test starts or reuses it; its API is read by the tests).
process.env.SMTP_URL ??= 'smtp://127.0.0.1:1025';
process.env.MAILPIT_URL ??= 'http://127.0.0.1:8025';
process.env.E2E_ADMIN_EMAIL ??= 'e2e-admin@example.com';
process.env.E2E_ADMIN_PASSWORD ??= `pw-${randomBytes(9).toString('base64url')}`;
// Production mode refuses a missing or published secret: a fresh one per run, which the app, the
// worker and the admin:create script in auth.setup.ts all inherit.
process.env.E2E_NEXTAUTH_SECRET ??= randomBytes(32).toString('base64');
process.env.NEXTAUTH_SECRET = process.env.E2E_NEXTAUTH_SECRET;
process.env.E2E_BOT_CHALLENGE_HMAC_KEY ??= randomBytes(32).toString('base64');
// Production refuses the bot defence without its own key: admin:create in auth.setup.ts inherits it too.
process.env.BOT_CHALLENGE_HMAC_KEY = process.env.E2E_BOT_CHALLENGE_HMAC_KEY;

const port = process.env.E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;

/** What the app and the worker must agree on (both read it through src/env.ts). */
const engineEnv: Record<string, string> = {
  NODE_ENV: 'production',
  NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET,
  NEXT_TELEMETRY_DISABLED: '1',
  TEMPORAL_TASK_QUEUE: process.env.E2E_TASK_QUEUE,
  HOLD_TTL_SECONDS: process.env.E2E_HOLD_TTL_SECONDS,
  HOLD_GRACE_SECONDS: '5',
  QUEUE_RECHECK_SECONDS: '2',
  SALE_TICK_SECONDS: '1',
  RATE_LIMIT_ENABLED: 'false',
  // The bot defence as in production (the sale page's widget solves it), at a small difficulty.
  BOT_CHALLENGE: 'pow',
  BOT_CHALLENGE_HMAC_KEY: process.env.E2E_BOT_CHALLENGE_HMAC_KEY,
  BOT_CHALLENGE_MAX_NUMBER: '5000',
  // Production refuses verified shoppers without an SMTP server: the app mails, the worker only checks it is set.
  SMTP_URL: process.env.SMTP_URL,
  SHOPPER_CODE_TTL_SECONDS: process.env.E2E_CODE_TTL_SECONDS,
};

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // A 2-core machine running the app, the worker, Temporal, Redis and Mongo: one browser at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts/ },
    { name: 'anonymous', testMatch: /anonymous\.spec\.ts/, dependencies: ['setup'] },
    { name: 'sign-in', testMatch: /sign-in\.spec\.ts/, dependencies: ['setup'] },
    { name: 'shopper', testMatch: /shopper\.spec\.ts/, dependencies: ['setup'], use: { storageState: 'e2e/.auth/shopper.json' } },
    { name: 'admin', testMatch: /admin\.spec\.ts/, dependencies: ['setup'], use: { storageState: 'e2e/.auth/admin.json' } },
  ],
  webServer: [
    {
      name: 'app',
      // Builds first when .next is missing or older than the sources, then serves the build.
      command: 'npx tsx e2e/support/start-app.ts',
      url: `${baseURL}/api/auth/csrf`,
      env: { ...engineEnv, PORT: port, HOST: '127.0.0.1', NEXTAUTH_URL: baseURL },
      timeout: 420_000,
      reuseExistingServer: false,
      stdout: 'pipe',
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    },
    {
      name: 'worker',
      command: 'npx tsx temporal/worker.ts',
      wait: { stdout: /polling task queue/ },
      env: { ...engineEnv, WORKER_METRICS_PORT: '0' },
      timeout: 120_000,
      stdout: 'ignore', // still watched for the line above; errors go to stderr
      stderr: 'pipe',
      gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    },
  ],
});
