/**
 * The shopper sign-in settings in src/env.ts: verified by default everywhere; production refuses
 * SHOPPER_AUTH=open unless ALLOW_OPEN_SHOPPERS=true, and refuses verified mode without SMTP_URL
 * (the app and the worker exit with the sentence, as real processes); SMTP_FROM is checked.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { EnvError, MAILPIT_SMTP_URL, parseEnv } from '@/env';
import { repoRoot } from '../scripts/lib/paths';

const strong = randomBytes(32).toString('base64');
const OPEN_REFUSED =
  'SHOPPER_AUTH=open lets anyone act as any shopper by typing their email; production refuses it unless ALLOW_OPEN_SHOPPERS=true is also set (load tests and demos only)';
const NO_SMTP =
  'SMTP_URL is not set: shoppers sign in with a code sent by email (SHOPPER_AUTH=verified), so production needs an SMTP server, e.g. smtps://user:password@smtp.example.com:465';

function problems(vars: Record<string, string>): string[] {
  try {
    parseEnv(vars);
    return [];
  } catch (err) {
    assert.ok(err instanceof EnvError, String(err));
    return err.problems;
  }
}

describe('shopper sign-in settings', () => {
  it('verified by default, with Mailpit as the SMTP server outside production and a From at the public host', () => {
    for (const NODE_ENV of ['development', 'test']) {
      const e = parseEnv({ NODE_ENV });
      assert.equal(e.SHOPPER_AUTH, 'verified', NODE_ENV);
      assert.equal(e.SMTP_URL, MAILPIT_SMTP_URL);
      assert.equal(e.SMTP_FROM, 'Flash Sale <no-reply@localhost>');
      assert.equal(e.SHOPPER_CODE_TTL_SECONDS, 600);
      assert.equal(e.SHOPPER_CODE_MAX_TRIES, 5);
    }
    assert.equal(parseEnv({ NEXTAUTH_URL: 'https://shop.example.com' }).SMTP_FROM, 'Flash Sale <no-reply@shop.example.com>');
    assert.equal(parseEnv({ SHOPPER_AUTH: 'open' }).SHOPPER_AUTH, 'open', 'development may run open without more');
  });

  it('production: open only with ALLOW_OPEN_SHOPPERS=true; verified only with SMTP_URL', () => {
    const prod = { NODE_ENV: 'production', NEXTAUTH_SECRET: strong, BOT_CHALLENGE: 'off' };
    assert.deepEqual(problems({ ...prod, SHOPPER_AUTH: 'open' }), [OPEN_REFUSED]);
    assert.deepEqual(problems({ ...prod, SHOPPER_AUTH: 'open', ALLOW_OPEN_SHOPPERS: 'false' }), [OPEN_REFUSED]);
    assert.deepEqual(problems({ ...prod, SHOPPER_AUTH: 'open', ALLOW_OPEN_SHOPPERS: 'true' }), []);
    assert.deepEqual(problems(prod), [NO_SMTP]);
    assert.deepEqual(problems({ ...prod, SHOPPER_AUTH: 'verified' }), [NO_SMTP]);
    const ok = parseEnv({ ...prod, SMTP_URL: 'smtps://user:pw@smtp.example.com:465', SMTP_FROM: 'Shop <shop@example.com>' });
    assert.equal(ok.SMTP_URL, 'smtps://user:pw@smtp.example.com:465');
    assert.equal(ok.SMTP_FROM, 'Shop <shop@example.com>');
    // `next build` runs in production mode and needs neither.
    assert.deepEqual(problems({ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }), []);
  });

  it('bad values are refused, naming the variable', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ SHOPPER_AUTH: 'maybe' }, /^SHOPPER_AUTH: .*"open"\|"verified"/],
      [{ SMTP_URL: 'mail.example.com:25' }, /^SMTP_URL: must start with smtp:\/\/ or smtps:\/\/$/],
      [
        { SMTP_FROM: 'Shop <not an address>' },
        /^SMTP_FROM must be an email address, or a name and one: Flash Sale <no-reply@example.com>$/,
      ],
      [{ ALLOW_OPEN_SHOPPERS: 'yes' }, /^ALLOW_OPEN_SHOPPERS: .*"true"/],
      [{ SHOPPER_CODE_TTL_SECONDS: '2' }, /^SHOPPER_CODE_TTL_SECONDS: .*>=5/],
    ];
    for (const [vars, message] of cases) {
      const found = problems(vars);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.match(found[0]!, message);
    }
  });

  it('the app and the worker refuse to start in production with open shoppers or without SMTP_URL', async () => {
    const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
    const run = (entry: string, extra: Record<string, string>) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          NODE_ENV: 'production',
          NEXTAUTH_SECRET: strong,
          NEXT_TELEMETRY_DISABLED: '1',
          WORKER_METRICS_PORT: '0',
          PORT: '1',
        };
        for (const name of ['SMTP_URL', 'SHOPPER_AUTH', 'ALLOW_OPEN_SHOPPERS']) delete env[name];
        const child = spawn(tsx, [entry], { cwd: repoRoot, env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.on('data', (d: Buffer) => (output += d.toString()));
        child.stderr.on('data', (d: Buffer) => (output += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
        child.on('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, output });
        });
      });
    const runs = await Promise.all([
      run('src/server.ts', { SHOPPER_AUTH: 'open', SMTP_URL: 'smtp://127.0.0.1:1025' }),
      run('src/server.ts', {}),
      run('temporal/worker.ts', { SHOPPER_AUTH: 'open' }),
    ]);
    const expected = [OPEN_REFUSED, NO_SMTP, OPEN_REFUSED];
    runs.forEach((r, i) => {
      assert.equal(r.code, 1, `run ${i} exits 1:\n${r.output}`);
      assert.ok(r.output.includes(expected[i]!), `run ${i} says why:\n${r.output}`);
      assert.doesNotMatch(r.output, /ready on|polling task queue/, 'nothing started');
    });
  });
});
