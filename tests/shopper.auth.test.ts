/**
 * Verified shoppers (SHOPPER_AUTH=verified, the default): the sign-in code goes out by real mail
 * (Mailpit, read through its API), works once, expires, and dies after too many wrong tries, also
 * when the tries race; it is stored only as a hash. Without a verified identity no shopper action
 * runs (REST 401, tRPC UNAUTHORIZED) and nothing changes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from 'next-auth/jwt';
import { env } from '@/env';
import { signInCodeKey } from '@/engine/keys';
import { issueToken } from '@/server/auth/session';
import { sendSignInCode, verifySignInCode } from '@/server/auth/sign-in-codes';
import { upsertAdmin } from '@/server/users/users.service';
import * as S from '@/server/rest/rest.schema';
import { User } from '@models/index';
import { openSale, startEngine, uniqueEmail, type Engine } from './support/engine';
import { restMessage, serveApp, trpcMessage, type Answer, type AppServer } from './http/app-server';
import { codeIn, mailCount, waitForMail } from './support/mailpit';
import { requestCode } from './support/shopper-sign-in';

const code = (a: Answer) => a.json?.error?.code as string | undefined;

describe('verified shoppers: sign-in codes by mail', () => {
  let engine: Engine;
  let app: AppServer;

  before(async () => {
    assert.equal(env.SHOPPER_AUTH, 'verified', 'tests run in verified mode unless a test says otherwise');
    engine = await startEngine({}, { worker: false });
    app = await serveApp(engine.deps);
  });
  after(async () => {
    await app.close();
    await engine.stop();
  });

  const verify = (email: string, c: unknown) => app.call('POST', '/api/v1/auth/shopper/verify', { body: { email, code: c } });
  /** A code that is not `c` (same length). */
  const other = (c: string) => String((Number(c) + 1) % 1_000_000).padStart(6, '0');

  it('the code arrives by mail (read from Mailpit), signs the shopper in once, and the token acts for that email', async () => {
    const email = uniqueEmail('mail');
    const seen = await mailCount(email);
    const sent = await app.call('POST', '/api/v1/auth/shopper/code', { body: { email: email.toUpperCase() } });
    assert.equal(sent.status, 200, sent.text);
    const body = S.ZShopperCodeResponse.parse(sent.json);
    assert.deepEqual(body, { sent: true, email, expiresInSec: env.SHOPPER_CODE_TTL_SECONDS, triesAllowed: env.SHOPPER_CODE_MAX_TRIES });

    const mail = await waitForMail(email, seen);
    assert.match(mail.subject, /sign-in code/);
    assert.match(mail.from, /^no-reply@/, `From ${mail.from}`);
    assert.match(mail.text, /works once, for 10 minutes/);
    const c = codeIn(mail);
    console.log(`  mail ${mail.id} to ${email}: "${mail.subject}"`);

    // Stored as an HMAC only: the code is nowhere in Redis.
    const stored = await engine.deps.redis.hgetall(signInCodeKey(email));
    assert.equal(stored.state, 'live');
    assert.ok(stored.hash && !stored.hash.includes(c), 'a hash, not the code');
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(c));
    const ttl = await engine.deps.redis.pttl(signInCodeKey(email));
    assert.ok(
      ttl > env.SHOPPER_CODE_TTL_SECONDS * 1000 && ttl <= (env.SHOPPER_CODE_TTL_SECONDS + 3600) * 1000,
      `key TTL ${ttl} ms: the code's life plus an hour`,
    );

    const wrong = await verify(email, other(c));
    assert.equal(wrong.status, 401, wrong.text);
    assert.equal(code(wrong), 'CODE_WRONG');
    assert.equal(restMessage(wrong), `That code is not right: ${env.SHOPPER_CODE_MAX_TRIES - 1} tries left`);

    const ok = await verify(email, c);
    assert.equal(ok.status, 200, ok.text);
    const signedIn = S.ZSignInResponse.parse(ok.json);
    assert.deepEqual(signedIn.user, { email, role: 'shopper' });
    assert.ok(await User.exists({ email, role: 'shopper' }), 'the shopper exists after the first sign-in');

    const mine = await app.call('GET', '/api/v1/orders/by-email', { token: signedIn.token });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json, { items: [], total: 0 });
    const me = await app.trpc('query', 'users.me', undefined, { token: signedIn.token });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.result.data.json.email, email);

    const again = await verify(email, c);
    assert.equal(again.status, 401);
    assert.equal(code(again), 'CODE_USED', 'single use');
    assert.equal(restMessage(again), 'This code was already used: send a new code');
  });

  it('dies after too many wrong tries, even when they race; then the right code no longer works', async () => {
    const email = uniqueEmail('tries');
    const c = await requestCode(app.base, email);
    // 20 wrong tries at once: exactly maxTries are counted; the last of them kills the code.
    const answers = await Promise.all(Array.from({ length: 20 }, () => verify(email, other(c))));
    const codes = answers.map(code);
    assert.ok(
      answers.every((a) => a.status === 401),
      answers.map((a) => a.status).join(','),
    );
    const wrong = codes.filter((x) => x === 'CODE_WRONG').length;
    assert.equal(wrong, env.SHOPPER_CODE_MAX_TRIES - 1, `wrong answers: ${codes.join(',')}`);
    assert.equal(codes.filter((x) => x === 'CODE_DEAD').length, 20 - wrong);
    const late = await verify(email, c);
    assert.equal(code(late), 'CODE_DEAD', late.text);
    assert.equal(restMessage(late), 'Too many wrong tries: this code no longer works. Send a new code');
    assert.equal(await engine.deps.redis.hget(signInCodeKey(email), 'tries'), String(env.SHOPPER_CODE_MAX_TRIES));

    // A new code works again.
    const fresh = await requestCode(app.base, email);
    assert.equal((await verify(email, fresh)).status, 200);
  });

  it('the right code sent 10 times at once signs in exactly once', async () => {
    const email = uniqueEmail('race');
    const c = await requestCode(app.base, email);
    const answers = await Promise.all(Array.from({ length: 10 }, () => verify(email, c)));
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [200, ...Array(9).fill(401)],
      answers.map((a) => `${a.status} ${code(a) ?? ''}`).join(', '),
    );
    assert.ok(answers.filter((a) => a.status === 401).every((a) => code(a) === 'CODE_USED'));
  });

  it('expires: a code past its life is refused as expired; a new code replaces the previous one', async () => {
    const email = uniqueEmail('expiry');
    // A one-second code, mailed for real; the REST check refuses it once the second is over.
    const seen = await mailCount(email);
    await sendSignInCode(engine.deps, { email }, { settings: { ttlSec: 1, maxTries: 5 } });
    const short = codeIn(await waitForMail(email, seen));
    await new Promise((r) => setTimeout(r, 1200));
    const expired = await verify(email, short);
    assert.equal(expired.status, 401);
    assert.equal(code(expired), 'CODE_EXPIRED');
    assert.equal(restMessage(expired), 'This code has expired: send a new code');

    const first = await requestCode(app.base, email);
    const second = await requestCode(app.base, email);
    if (first !== second) assert.equal(code(await verify(email, first)), 'CODE_WRONG', 'the replaced code no longer works');
    assert.equal((await verify(email, second)).status, 200);

    const nobody = await verify(uniqueEmail('never'), '123456');
    assert.equal(code(nobody), 'NO_CODE');
  });

  it("bad input is a 400 naming the field; an admin's email is refused after the code; a mail that cannot be sent is a 503", async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ email: 'x@example.com', code: 123456 }, 'code', /^code must be a string of 6 digits$/],
      [{ email: 'x@example.com', code: '12345' }, 'code', /^code must be the 6 digits from the email$/],
      [{ email: 'x@example.com' }, 'code', /^code is required$/],
      [{ email: 'nope', code: '123456' }, 'email', /^email must be a valid email address$/],
    ];
    for (const [body, field, message] of cases) {
      const a = await app.call('POST', '/api/v1/auth/shopper/verify', { body });
      assert.equal(a.status, 400, a.text);
      assert.match(restMessage(a)!, message);
      assert.ok(a.json.error.fields[field], `names ${field}`);
    }
    const noEmail = await app.call('POST', '/api/v1/auth/shopper/code', { body: {} });
    assert.equal(noEmail.status, 400);
    assert.equal(restMessage(noEmail), 'email is required');

    const adminEmail = uniqueEmail('admin');
    await upsertAdmin(engine.deps, { email: adminEmail, password: 'a long admin password' });
    const c = await requestCode(app.base, adminEmail);
    const refused = await verify(adminEmail, c);
    assert.equal(refused.status, 403);
    assert.equal(code(refused), 'ADMIN_EMAIL');

    const origError = console.error;
    console.error = () => {}; // the cause is logged; keep the output clean
    try {
      await assert.rejects(
        sendSignInCode(
          engine.deps,
          { email: uniqueEmail('nomail') },
          { send: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.9:587')) },
        ),
        (err: Error & { kind?: string }) =>
          err.kind === 'SERVICE_UNAVAILABLE' && /could not be sent/.test(err.message) && !/ECONNREFUSED/.test(err.message),
      );
    } finally {
      console.error = origError;
    }
  });

  it('tRPC users.requestSignInCode mails a code that the sign-in accepts', async () => {
    const email = uniqueEmail('trpc');
    const seen = await mailCount(email);
    const sent = await app.trpc('mutation', 'users.requestSignInCode', { email });
    assert.equal(sent.status, 200, sent.text);
    const c = codeIn(await waitForMail(email, seen));
    const session = await verifySignInCode(engine.deps, { email, code: c });
    assert.deepEqual(session, { email, role: 'shopper' });
    const bad = await app.trpc('mutation', 'users.requestSignInCode', { email: 'nope' });
    assert.equal(bad.status, 400);
    assert.equal(trpcMessage(bad), 'email must be a valid email address');
  });

  it('no shopper action without a verified identity: REST 401, tRPC UNAUTHORIZED, nothing changes', async () => {
    const sale = await openSale(engine, 2);
    const email = uniqueEmail('anon');
    // An open-mode guest session (no proof of the email) and tokens that do not check out.
    const guest = await encode({ token: { email, role: 'shopper', sub: email }, secret: env.NEXTAUTH_SECRET });
    const unverified = await encode({ token: { email, role: 'shopper', sub: email, verified: false }, secret: env.NEXTAUTH_SECRET });
    const credentials: { how: string; token?: string; cookie?: string }[] = [
      { how: 'nothing' },
      { how: 'a guest token', token: guest },
      { how: 'an unverified token', token: unverified },
      { how: 'a guest session cookie', cookie: `next-auth.session-token=${guest}` },
      { how: 'garbage', token: 'not-a-token' },
    ];
    const body = { email, flashSaleId: sale.id };
    for (const c of credentials) {
      const headers: Record<string, string> = c.cookie ? { cookie: c.cookie } : {};
      const o = { token: c.token, headers };
      for (const [method, path, b] of [
        ['POST', '/api/v1/orders/buy', body],
        ['GET', `/api/v1/orders/position?email=${encodeURIComponent(email)}&flashSaleId=${sale.id}`],
        ['POST', '/api/v1/orders/confirm', body],
        ['POST', '/api/v1/orders/cancel', body],
        ['GET', `/api/v1/orders/by-email?email=${encodeURIComponent(email)}`],
      ] as const) {
        const a = await app.call(method, path, { ...o, body: b });
        assert.equal(a.status, 401, `${method} ${path} with ${c.how}: ${a.text}`);
        assert.equal(code(a), 'UNAUTHORIZED');
        assert.match(restMessage(a)!, /^Sign in first: send Authorization: Bearer/);
      }
      for (const [kind, path, input] of [
        ['mutation', 'orders.buy', { flashSaleId: sale.id }],
        ['query', 'orders.position', { flashSaleId: sale.id }],
        ['mutation', 'orders.confirm', { flashSaleId: sale.id }],
        ['mutation', 'orders.cancel', { flashSaleId: sale.id }],
        ['query', 'orders.byEmail', {}],
      ] as const) {
        const a = await app.trpc(kind, path, input, o);
        assert.equal(a.status, 401, `tRPC ${path} with ${c.how}: ${a.text}`);
        assert.equal(trpcMessage(a), 'Sign in first');
      }
    }
    const snap = await engine.deps.scripts.snapshot(sale.id, email);
    assert.deepEqual([snap.queueSize, snap.holdsLive, snap.position, snap.stock], [0, 0, 0, 2], 'nobody joined, nothing held');
    // The same requests with a verified token are served.
    const token = await issueToken({ email, role: 'shopper' });
    const served = await app.call('GET', `/api/v1/orders/position?flashSaleId=${sale.id}`, { token });
    assert.equal(served.status, 200, served.text);
  });
});
