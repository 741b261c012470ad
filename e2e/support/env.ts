/** Values playwright.config.ts fixed for this run (its test workers inherit them). */
const need = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite through playwright.config.ts`);
  return v;
};

export const e2e = {
  baseURL: `http://127.0.0.1:${need('E2E_PORT')}`,
  holdTtlSec: Number(need('E2E_HOLD_TTL_SECONDS')),
  codeTtlSec: Number(need('E2E_CODE_TTL_SECONDS')),
  admin: { email: need('E2E_ADMIN_EMAIL'), password: need('E2E_ADMIN_PASSWORD') },
  adminState: 'e2e/.auth/admin.json',
  shopperState: 'e2e/.auth/shopper.json',
  screenshotsDir: 'test-results/screenshots',
};
