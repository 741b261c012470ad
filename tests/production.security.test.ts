/**
 * The real processes in production mode (NODE_ENV=production, the production build):
 *  - the app and the worker refuse to start without a strong secret, saying which variable and
 *    how to make one;
 *  - a running app refuses admin tokens forged with any published secret (bearer and cookie),
 *    while its own tokens work;
 *  - pages carry the nonce-based policy;
 *  - the first admin can only be created through the one-time setup link the app prints, once.
 * Builds `.next` first when it is missing or stale (as the e2e suite does).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import mongoose from 'mongoose';
import superjson from 'superjson';
import { encode } from 'next-auth/jwt';
import { DEV_BOT_KEY, DEV_SECRET, env, parseEnv, PUBLIC_SECRETS, EnvError } from '@/env';
import { ensureProductionBuild } from '../scripts/lib/next-build';
import { repoRoot } from '../scripts/lib/paths';

const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const botKey = randomBytes(32).toString('base64');

/** The environment a production process gets: the services' addresses, no secret unless given. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', WORKER_METRICS_PORT: '0' };
  for (const name of ['NEXTAUTH_SECRET', 'JWT_SECRET', 'NEXT_PHASE', 'BOT_CHALLENGE', 'BOT_CHALLENGE_HMAC_KEY']) delete e[name];
  // The bot defence is on in production: its key is given unless a test says otherwise.
  return { ...e, BOT_CHALLENGE_HMAC_KEY: botKey, ...extra };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Runs an entry point to its exit (or kills it after `timeoutMs`). */
function runToExit(entry: string, extra: Record<string, string>, timeoutMs = 90_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(tsx, [entry], { cwd: repoRoot, env: productionEnv(extra), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const MAKE_ONE = 'make one with `openssl rand -base64 32`';

describe('production start refuses a missing, short or published secret', () => {
  it('env: each rule, naming the variable and how to make one', () => {
    const problems = (vars: Record<string, string>) => {
      try {
        // An SMTP server and a challenge key, so only NEXTAUTH_SECRET is in question here (shopper.config.test.ts has the rest).
        parseEnv({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com:587', BOT_CHALLENGE_HMAC_KEY: botKey, ...vars });
        return [];
      } catch (err) {
        assert.ok(err instanceof EnvError);
        return err.problems;
      }
    };
    assert.deepEqual(problems({}), [`NEXTAUTH_SECRET is not set: production needs a secret of at least 32 random characters; ${MAKE_ONE}`]);
    assert.deepEqual(problems({ NEXTAUTH_SECRET: 'x'.repeat(31) }), [
      `NEXTAUTH_SECRET must be at least 32 characters long (it has 31); ${MAKE_ONE}`,
    ]);
    for (const published of PUBLIC_SECRETS) {
      for (const name of ['NEXTAUTH_SECRET', 'JWT_SECRET']) {
        assert.deepEqual(
          problems({ [name]: published }),
          [`${name} is a published development default, so anyone could sign an admin token with it; ${MAKE_ONE}`],
          `${name}=${published}`,
        );
      }
    }
    const strong = randomBytes(32).toString('base64');
    assert.deepEqual(
      problems({ NEXTAUTH_SECRET: strong, JWT_SECRET: 'local-secret' }).length,
      1,
      'a weak alias is refused beside a strong secret',
    );
    const smtp = 'smtp://mail.example.com:587';
    assert.equal(
      parseEnv({ NODE_ENV: 'production', SMTP_URL: smtp, BOT_CHALLENGE_HMAC_KEY: botKey, NEXTAUTH_SECRET: strong }).NEXTAUTH_SECRET,
      strong,
    );
    assert.equal(
      parseEnv({ NODE_ENV: 'production', SMTP_URL: smtp, BOT_CHALLENGE_HMAC_KEY: botKey, JWT_SECRET: strong }).NEXTAUTH_SECRET,
      strong,
      "JWT_SECRET (the original system's name) signs sessions when NEXTAUTH_SECRET is not set",
    );
    // `next build` runs in production mode and needs no secret; development keeps working with none.
    assert.equal(parseEnv({ NODE_ENV: 'production', NEXT_PHASE: 'phase-production-build' }).NEXTAUTH_SECRET, DEV_SECRET);
    assert.equal(parseEnv({ NODE_ENV: 'development' }).NEXTAUTH_SECRET, DEV_SECRET);
  });

  it('env: the bot defence is on in production and needs a strong key of its own; off elsewhere unless asked', () => {
    const strong = randomBytes(32).toString('base64');
    const problems = (vars: Record<string, string>) => {
      try {
        parseEnv({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com:587', NEXTAUTH_SECRET: strong, ...vars });
        return [];
      } catch (err) {
        assert.ok(err instanceof EnvError, String(err));
        return err.problems;
      }
    };
    assert.deepEqual(problems({}), [
      `BOT_CHALLENGE_HMAC_KEY is not set: with BOT_CHALLENGE=pow (the production default) challenges are signed with it; ${MAKE_ONE} (or set BOT_CHALLENGE=off)`,
    ]);
    assert.match(problems({ BOT_CHALLENGE_HMAC_KEY: DEV_BOT_KEY })[0] ?? '', /BOT_CHALLENGE_HMAC_KEY is a published development default/);
    assert.match(
      problems({ BOT_CHALLENGE_HMAC_KEY: 'short' })[0] ?? '',
      /BOT_CHALLENGE_HMAC_KEY must be at least 32 characters long \(it has 5\)/,
    );
    assert.match(problems({ BOT_CHALLENGE: 'maybe' })[0] ?? '', /BOT_CHALLENGE/);
    const on = parseEnv({
      NODE_ENV: 'production',
      SMTP_URL: 'smtp://mail.example.com:587',
      NEXTAUTH_SECRET: strong,
      BOT_CHALLENGE_HMAC_KEY: botKey,
    });
    assert.equal(on.BOT_CHALLENGE, 'pow', 'on by default in production');
    assert.equal(on.BOT_CHALLENGE_HMAC_KEY, botKey);
    assert.equal(
      parseEnv({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.com:587', NEXTAUTH_SECRET: strong, BOT_CHALLENGE: 'off' })
        .BOT_CHALLENGE,
      'off',
      'turned off, no key needed',
    );
    assert.equal(parseEnv({ NODE_ENV: 'development' }).BOT_CHALLENGE, 'off', 'off in development');
    assert.equal(parseEnv({ NODE_ENV: 'test' }).BOT_CHALLENGE, 'off', 'off in tests');
    assert.equal(
      parseEnv({ NODE_ENV: 'test', BOT_CHALLENGE: 'pow' }).BOT_CHALLENGE_HMAC_KEY,
      DEV_BOT_KEY,
      'a test may turn it on with the development key',
    );
  });

  it('the app (src/server.ts) and the worker exit non-zero with the sentence', async () => {
    const port = String(await freePort());
    const runs = await Promise.all([
      runToExit('src/server.ts', { PORT: port }),
      runToExit('src/server.ts', { PORT: port, NEXTAUTH_SECRET: 'change-me-not-for-production' }),
      runToExit('src/server.ts', { PORT: port, NEXTAUTH_SECRET: 'short-but-not-public' }),
      runToExit('temporal/worker.ts', {}),
      runToExit('temporal/worker.ts', { JWT_SECRET: 'local-secret' }),
    ]);
    const expected = [
      /NEXTAUTH_SECRET is not set: production needs a secret of at least 32 random characters; make one with `openssl rand -base64 32`/,
      /NEXTAUTH_SECRET is a published development default.*openssl rand -base64 32/,
      /NEXTAUTH_SECRET must be at least 32 characters long \(it has 20\).*openssl rand -base64 32/,
      /NEXTAUTH_SECRET is not set: production needs a secret/,
      /JWT_SECRET is a published development default.*openssl rand -base64 32/,
    ];
    runs.forEach((r, i) => {
      assert.equal(r.code, 1, `run ${i} exits 1:\n${r.output}`);
      assert.match(r.output, expected[i]!, r.output);
      assert.doesNotMatch(r.output, /ready on|polling task queue/, 'nothing started');
    });
  });
});

describe('the app in production mode', () => {
  const secret = randomBytes(32).toString('base64');
  const dbName = `sec_prod_${randomBytes(4).toString('hex')}`;
  let app: ChildProcess | undefined;
  let output = '';
  let base = '';
  let setupToken = '';

  before(
    async () => {
      ensureProductionBuild((line) => console.log(`[build] ${line}`));
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      app = spawn(tsx, ['src/server.ts'], {
        cwd: repoRoot,
        env: productionEnv({
          NEXTAUTH_SECRET: secret,
          PORT: String(port),
          HOST: '127.0.0.1',
          NEXTAUTH_URL: base,
          MONGO_DB: dbName,
          RATE_LIMIT_ENABLED: 'false',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      app.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      app.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const deadline = Date.now() + 120_000;
      for (;;) {
        const m = /\/signup\?token=([\w-]+)/.exec(output);
        if (m) {
          setupToken = m[1]!;
          break;
        }
        if (app.exitCode !== null || Date.now() > deadline) throw new Error(`the app did not print its setup link:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    { timeout: 900_000 },
  );
  after(async () => {
    if (app && app.exitCode === null) {
      app.kill('SIGTERM');
      await new Promise((r) => app!.once('exit', r));
    }
    const conn = await mongoose
      .createConnection(env.MONGODB_URI, { dbName, autoCreate: false, serverSelectionTimeoutMS: 5_000 })
      .asPromise();
    await conn.dropDatabase().catch(() => undefined);
    await conn.close();
  });

  const forge = (withSecret: string) =>
    encode({ token: { email: 'mallory@example.com', role: 'admin', sub: 'mallory@example.com' }, secret: withSecret, maxAge: 3600 });
  const trpcGet = (path: string, input: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`, { headers });
  const trpcPost = (path: string, input: unknown) =>
    fetch(`${base}/api/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(superjson.serialize(input)),
    });

  it("an admin token forged with a published secret is refused (401); the app's own works", async () => {
    for (const published of PUBLIC_SECRETS) {
      const token = await forge(published);
      const rest = await fetch(`${base}/api/v1/orders/admin/list`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(rest.status, 401, `REST with a token signed by ${published}`);
      assert.equal(((await rest.json()) as { error: { code: string } }).error.code, 'UNAUTHORIZED');
      const trpc = await trpcGet('orders.adminList', {}, { authorization: `Bearer ${token}` });
      assert.equal(trpc.status, 401, `tRPC with a token signed by ${published}`);
      // The same forgery as a session cookie does not open the admin pages either.
      const page = await fetch(`${base}/admin`, { headers: { cookie: `next-auth.session-token=${token}` }, redirect: 'manual' });
      assert.equal(page.status, 307, `/admin with a cookie signed by ${published}`);
      assert.match(page.headers.get('location') ?? '', /\/signin\?as=admin/);
    }
    const real = await forge(secret);
    const ok = await fetch(`${base}/api/v1/orders/admin/list`, { headers: { authorization: `Bearer ${real}` } });
    assert.equal(ok.status, 200, await ok.clone().text());
    assert.deepEqual(((await ok.json()) as { items: unknown[] }).items, []);
    const page = await fetch(`${base}/admin`, { headers: { cookie: `next-auth.session-token=${real}` }, redirect: 'manual' });
    assert.equal(page.status, 200, 'the real secret opens the admin pages');
  });

  it('pages get a fresh nonce in their policy and on every inline script; no unsafe-eval', async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${base}/signin`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy') ?? '';
      const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
      assert.ok(nonce, csp);
      nonces.add(nonce);
      assert.doesNotMatch(csp, /unsafe-eval|script-src[^;]*unsafe-inline/);
      assert.match(csp, /frame-ancestors 'none'/);
      const html = await res.text();
      const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)([^>]*)>/g)].map((m) => m[1]!);
      assert.ok(inline.length > 0, 'the page has inline scripts');
      for (const attrs of inline)
        assert.match(attrs, new RegExp(`nonce="${nonce.replace(/[+/=]/g, '\\$&')}"`), `inline script without the nonce: <script${attrs}>`);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    }
    assert.equal(nonces.size, 2, 'a new nonce per response');
  });

  it('/signup and the sign-up procedure need the one-time setup link; it works once', async () => {
    const email = `first-admin-${randomBytes(3).toString('hex')}@example.com`;
    const input = { email, password: 'a long enough password' };
    const refusal = /Creating the first admin needs the one-time setup link/;

    for (const url of ['/signup', '/signup?token=', `/signup?token=${setupToken.slice(0, -1)}x`]) {
      const page = await fetch(base + url);
      assert.equal(page.status, 403, url);
      assert.match(await page.text(), /Sign-up needs the setup link/);
    }
    for (const token of [undefined, '', 'not-the-token']) {
      const res = await trpcPost('users.signUpFirstAdmin', token === undefined ? input : { ...input, token });
      assert.equal(res.status, 403, `token ${token}`);
      assert.match(((await res.json()) as { error: { json: { message: string } } }).error.json.message, refusal);
    }
    const probe = await mongoose.createConnection(env.MONGODB_URI, { dbName, autoCreate: false }).asPromise();
    try {
      assert.equal(await probe.collection('users').countDocuments({ role: 'admin' }), 0, 'refused sign-ups made no admin');

      const form = await fetch(`${base}/signup?token=${setupToken}`);
      assert.equal(form.status, 200);
      assert.match(await form.text(), /Create the first admin/);
      const made = await trpcPost('users.signUpFirstAdmin', { ...input, token: setupToken });
      assert.equal(made.status, 200, await made.clone().text());
      assert.equal(await probe.collection('users').countDocuments({ role: 'admin' }), 1);

      // Used: the link is dead, and a second sign-up with it is refused.
      const again = await trpcPost('users.signUpFirstAdmin', { email: `second-${email}`, password: input.password, token: setupToken });
      assert.equal(again.status, 403);
      const closed = await fetch(`${base}/signup?token=${setupToken}`);
      assert.equal(closed.status, 403);
      assert.match(await closed.text(), /Sign-up is closed/);
      assert.equal(await probe.collection('users').countDocuments({ role: 'admin' }), 1);
    } finally {
      await probe.close();
    }
    // The new admin signs in through the REST API with the password chosen at sign-up.
    const signIn = await fetch(`${base}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    assert.equal(signIn.status, 200);
  });
});
