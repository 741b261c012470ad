/**
 * Rate limits (rate-limiter-flexible on the real Redis) through the app's request handler: every
 * limited action answers 429 with Retry-After per account and per address on REST, and
 * TOO_MANY_REQUESTS on tRPC; a refused code request sends no mail; the counters are Redis keys
 * that expire with their window; with Redis unreachable the in-memory insurance limiter still
 * limits; switched off, nothing is limited. The test's requests come from 127.0.0.1, trusted as a
 * proxy here, so X-Forwarded-For names each caller; every test uses fresh addresses and emails.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { rateLimitKey } from '@/engine/keys';
import { issueToken } from '@/server/auth/session';
import { compileTrust } from '@/server/http/client-ip';
import { checkRateLimit, type RateAction } from '@/server/ratelimit';
import { upsertAdmin } from '@/server/users/users.service';
import { openSale, shopper, startEngine, uniqueEmail, type Engine } from './support/engine';
import { restMessage, serveApp, trpcMessage, type Answer, type AppServer } from './http/app-server';
import { mailCount } from './support/mailpit';
import { testRateLimits } from './support/rate-limits';

const WINDOW_SEC = 30;
const PER_IP = 3;
const PER_EMAIL = 2;
const tight = testRateLimits({ perIp: PER_IP, perEmail: PER_EMAIL, windowSec: WINDOW_SEC });

const address = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

function expect429(a: Answer, what: string) {
  assert.equal(a.status, 429, `${what}: ${a.text}`);
  assert.equal(a.json?.error?.code, 'RATE_LIMITED', what);
  const retry = Number(a.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= WINDOW_SEC, `${what}: Retry-After ${a.headers.get('retry-after')}`);
  assert.match(restMessage(a)!, new RegExp(`^Too many requests; retry in ${retry}s$`), what);
}

describe('rate limits per account and per address', () => {
  let engine: Engine;
  let app: AppServer;
  let saleId: string;

  before(async () => {
    engine = await startEngine({}, { worker: false });
    app = await serveApp(engine.deps, { trust: compileTrust({ addresses: ['loopback'] }), rateLimits: () => tight });
    saleId = (await openSale(engine, 50)).id;
  });
  after(async () => {
    await app.close();
    await engine.stop();
  });

  const from = (ip: string, token?: string) => ({ headers: { 'x-forwarded-for': ip }, token });

  /** The shopper actions over REST: what one call of each sends. */
  const shopperCall = (action: 'buy' | 'confirm' | 'cancel', ip: string, token: string) =>
    app.call('POST', `/api/v1/orders/${action}`, { ...from(ip, token), body: { flashSaleId: saleId } });

  for (const action of ['buy', 'confirm', 'cancel'] as const) {
    it(`${action}: per account (a token, any address) and per address (any token), 429 with Retry-After; counters expire with the window`, async () => {
      const email = uniqueEmail(action);
      const token = await issueToken(shopper(email));
      // Per account: PER_EMAIL calls from as many addresses pass, the next is refused.
      const statuses = [];
      for (let i = 0; i < PER_EMAIL; i++) statuses.push((await shopperCall(action, address(), token)).status);
      assert.ok(
        statuses.every((s) => s !== 429),
        `${action} under the limit: ${statuses.join(',')}`,
      );
      expect429(await shopperCall(action, address(), token), `${action}, account over its limit`);
      const key = rateLimitKey(action, 'email', email);
      assert.equal(await engine.deps.redis.get(key), String(PER_EMAIL + 1), 'the refused call counts too');
      const ttl = await engine.deps.redis.pttl(key);
      assert.ok(ttl > 0 && ttl <= WINDOW_SEC * 1000, `${key} expires with the window (${ttl} ms)`);

      // Per address: PER_IP shoppers from one address pass, the next is refused whoever it is.
      const ip = address();
      for (let i = 0; i < PER_IP; i++) {
        const a = await shopperCall(action, ip, await issueToken(shopper(uniqueEmail(action))));
        assert.notEqual(a.status, 429, `${action} #${i + 1} from ${ip}: ${a.text}`);
      }
      expect429(await shopperCall(action, ip, await issueToken(shopper(uniqueEmail(action)))), `${action}, address over its limit`);
      assert.equal(await engine.deps.redis.get(rateLimitKey(action, 'ip', ip)), String(PER_IP + 1));
    });
  }

  it('sign-in codes: per email (no more mail once refused) and per address; code checks the same', async () => {
    const email = uniqueEmail('codes');
    const send = (to: string, ip: string) => app.call('POST', '/api/v1/auth/shopper/code', { ...from(ip), body: { email: to } });
    for (let i = 0; i < PER_EMAIL; i++) assert.equal((await send(email, address())).status, 200);
    const mails = await mailCount(email);
    expect429(await send(email, address()), 'code, email over its limit');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await mailCount(email), mails, 'a refused request sends no mail');

    const ip = address();
    for (let i = 0; i < PER_IP; i++) assert.equal((await send(uniqueEmail('codes'), ip)).status, 200);
    expect429(await send(uniqueEmail('codes'), ip), 'code, address over its limit');

    const check = (to: string, ip2: string) =>
      app.call('POST', '/api/v1/auth/shopper/verify', { ...from(ip2), body: { email: to, code: '000000' } });
    const target = uniqueEmail('guess');
    for (let i = 0; i < PER_EMAIL; i++) assert.equal((await check(target, address())).status, 401);
    expect429(await check(target, address()), 'verify, email over its limit');
    const ip2 = address();
    for (let i = 0; i < PER_IP; i++) assert.equal((await check(uniqueEmail('guess'), ip2)).status, 401);
    expect429(await check(uniqueEmail('guess'), ip2), 'verify, address over its limit');
  });

  it('admin sign-in: per email and per address', async () => {
    const email = uniqueEmail('admin');
    await upsertAdmin(engine.deps, { email, password: `pw-${randomUUID()}` });
    const signIn = (who: string, ip: string) =>
      app.call('POST', '/api/v1/auth/sign-in', { ...from(ip), body: { email: who, password: 'wrong password' } });
    for (let i = 0; i < PER_EMAIL; i++) assert.equal((await signIn(email, address())).status, 401);
    expect429(await signIn(email, address()), 'sign-in, email over its limit');
    const ip = address();
    for (let i = 0; i < PER_IP; i++) assert.equal((await signIn(uniqueEmail('admin'), ip)).status, 401);
    expect429(await signIn(uniqueEmail('admin'), ip), 'sign-in, address over its limit');
  });

  it('tRPC: the same limits answer TOO_MANY_REQUESTS (buy per session account, code requests per email and per address)', async () => {
    const token = await issueToken(shopper(uniqueEmail('trpc')));
    const buy = (ip: string) => app.trpc('mutation', 'orders.buy', { flashSaleId: saleId }, from(ip, token));
    for (let i = 0; i < PER_EMAIL; i++) assert.equal((await buy(address())).status, 200);
    const refused = await buy(address());
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.json.error.json.data.code, 'TOO_MANY_REQUESTS');
    assert.match(trpcMessage(refused)!, /^Too many requests; retry in \d+s$/);

    const email = uniqueEmail('trpc-code');
    const code = (to: string, ip: string) => app.trpc('mutation', 'users.requestSignInCode', { email: to }, from(ip));
    for (let i = 0; i < PER_EMAIL; i++) assert.equal((await code(email, address())).status, 200);
    assert.equal((await code(email, address())).status, 429);
    const ip = address();
    for (let i = 0; i < PER_IP; i++) assert.equal((await code(uniqueEmail('trpc-code'), ip)).status, 200);
    assert.equal((await code(uniqueEmail('trpc-code'), ip)).status, 429);
  });

  it('a spoofed X-Forwarded-For does not pick the bucket when the proxy is not trusted', async () => {
    const untrusted = await serveApp(engine.deps, { rateLimits: () => tight });
    try {
      const statuses = [];
      for (let i = 0; i <= PER_IP; i++) {
        const a = await untrusted.call('POST', '/api/v1/auth/shopper/verify', {
          headers: { 'x-forwarded-for': address() },
          body: { email: uniqueEmail('spoof'), code: '000000' },
        });
        statuses.push(a.status);
      }
      // Every request counts against the socket's address (other runs may share it: at least one 429).
      assert.ok(statuses.includes(429), `one bucket for every spoofed address: ${statuses.join(',')}`);
    } finally {
      await untrusted.close();
    }
  });

  it('Redis unreachable: the in-memory insurance limiter still refuses past the limit', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    try {
      const subject = { ip: address(), email: uniqueEmail('offline') };
      const results: string[] = [];
      for (let i = 0; i <= PER_EMAIL; i++) {
        results.push(
          await checkRateLimit(dead, tight, 'verify', subject).then(
            () => 'ok',
            (e: Error) => e.message,
          ),
        );
      }
      assert.deepEqual(results.slice(0, PER_EMAIL), Array(PER_EMAIL).fill('ok'));
      assert.match(results[PER_EMAIL]!, /^Too many requests; retry in \d+s$/);
    } finally {
      dead.disconnect();
    }
  });

  it('switched off: nothing is limited', async () => {
    const off = testRateLimits({ perIp: 1, perEmail: 1, windowSec: WINDOW_SEC }, {}, false);
    const subject = { ip: address(), email: uniqueEmail('off') };
    for (const action of ['buy', 'confirm', 'cancel', 'code', 'verify', 'signin'] as RateAction[]) {
      for (let i = 0; i < 3; i++) await checkRateLimit(engine.deps.redis, off, action, subject);
      assert.equal(await engine.deps.redis.exists(rateLimitKey(action, 'ip', subject.ip)), 0, `${action}: no counter`);
    }
  });
});
