/**
 * Who the caller is and what every answer says about security, through the app's real request
 * handler (REST + tRPC + metrics) on a Node server, with real Redis rate-limit counters:
 *  - a spoofed X-Forwarded-For does not change the rate-limit bucket unless TRUST_PROXY trusts
 *    the proxy it came through (hops or addresses), and then exactly the vouched-for address counts;
 *  - X-Forwarded-Proto turns HSTS on only from a trusted proxy;
 *  - API answers carry the security headers.
 * Each request leaves from its own random loopback address (127.x.y.z), so its bucket is its own
 * even while other test runs share the Redis.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import { env, parseEnv, parseTrustProxy, EnvError, type TrustProxy } from '@/env';
import { createBackground } from '@/engine/background';
import { rateLimitKey } from '@/engine/keys';
import { createScriptedRedis, saleScripts } from '@/engine/scripts';
import { engineConfigFromEnv, mongoSettingsFromEnv } from '@/config';
import { powSettingsFromEnv } from '@/server/bot/pow';
import type { AppDeps } from '@/server/deps';
import { compileTrust } from '@/server/http/client-ip';
import type { RateLimitSettings } from '@/server/ratelimit';
import { connectMongo, disconnectMongo } from '@models/connection';
import { serveApp, type AppServer } from './http/app-server';
import { testRateLimits } from './support/rate-limits';

const WINDOW_SEC = 3600; // one window for the whole test: no boundary between two requests
const SIGNIN_PER_IP = 2;
const limits: RateLimitSettings = testRateLimits(
  { perIp: 1000, perEmail: 1000, windowSec: WINDOW_SEC },
  { signin: { perIp: SIGNIN_PER_IP } },
);

const loopback = () => `127.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const someAddress = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;
const trustOf = (setting: string) => {
  const parsed = parseTrustProxy(setting);
  assert.notEqual(parsed, 'invalid', setting);
  return compileTrust(parsed as TrustProxy);
};

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a given local (loopback) address: the socket's peer the server sees. */
function send(
  base: string,
  from: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Sent> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        localAddress: from,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('client address and security headers', () => {
  let redis: AppDeps['redis'];
  let deps: AppDeps;
  const servers: AppServer[] = [];

  before(async () => {
    redis = createScriptedRedis(env.REDIS_URL);
    await connectMongo(mongoSettingsFromEnv());
    deps = {
      redis,
      scripts: saleScripts(redis),
      temporal: () => Promise.reject(new Error('this test needs no Temporal')),
      background: createBackground(),
      mongo: () => connectMongo(mongoSettingsFromEnv()),
      config: engineConfigFromEnv(),
      pow: powSettingsFromEnv(),
    };
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    redis.disconnect();
    await disconnectMongo();
  });

  const serve = async (trust?: string) => {
    const s = await serveApp(deps, { trust: trust === undefined ? undefined : trustOf(trust), rateLimits: () => limits });
    servers.push(s);
    return s;
  };
  const signIn = (s: AppServer, from: string, xff?: string, extra: Record<string, string> = {}) =>
    send(
      s.base,
      from,
      'POST',
      '/api/v1/auth/sign-in',
      { ...(xff ? { 'x-forwarded-for': xff } : {}), ...extra },
      JSON.stringify({ email: `nobody-${randomUUID().slice(0, 8)}@example.com`, password: 'wrong password' }),
    );
  const count = async (ip: string) => Number((await redis.get(rateLimitKey('signin', 'ip', ip))) ?? 0);

  it('without TRUST_PROXY a spoofed X-Forwarded-For does not change the bucket: the socket address is counted', async () => {
    const s = await serve(); // what env gives when TRUST_PROXY is unset
    const socket = loopback();
    const spoofed = [someAddress(), someAddress(), someAddress()];
    const statuses = [];
    for (const xff of spoofed) statuses.push((await signIn(s, socket, xff)).status);
    assert.deepEqual(statuses, [401, 401, 429], 'three different X-Forwarded-For values share one bucket of 2');
    assert.equal(await count(socket), 3);
    for (const ip of spoofed) assert.equal(await count(ip), 0, `no bucket for the spoofed ${ip}`);
  });

  it('TRUST_PROXY naming other addresses: the loopback peer is not a trusted proxy, its header is ignored', async () => {
    const s = await serve('10.0.0.0/8, 192.168.0.0/16');
    const socket = loopback();
    const spoofed = [someAddress(), someAddress(), someAddress()];
    const statuses = [];
    for (const xff of spoofed) statuses.push((await signIn(s, socket, xff)).status);
    assert.deepEqual(statuses, [401, 401, 429]);
    assert.equal(await count(socket), 3);
  });

  it('TRUST_PROXY=1: the address the proxy vouches for is the bucket, one per client', async () => {
    const s = await serve('1');
    const proxy = loopback();
    const clients = [someAddress(), someAddress(), someAddress()];
    for (const ip of clients) assert.equal((await signIn(s, proxy, ip)).status, 401);
    for (const ip of clients) assert.equal(await count(ip), 1, `one request counted for ${ip}`);
    assert.equal(await count(proxy), 0, 'the proxy itself is not a client');
    // One client behind the proxy is limited on its own.
    const busy = someAddress();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await signIn(s, proxy, busy)).status);
    assert.deepEqual(statuses, [401, 401, 429]);
    // A client cannot pick a bucket by prepending its own entry: one hop trusted, the last entry counts.
    const forged = someAddress();
    assert.equal((await signIn(s, proxy, `${forged}, ${busy}`)).status, 429);
    assert.equal(await count(forged), 0);
  });

  it('TRUST_PROXY as addresses (loopback) and as hops (2) walk the X-Forwarded-For chain as far as trusted', async () => {
    const client = someAddress();
    const inner = someAddress(); // a second proxy, in 10.0.0.0/8
    const viaLoopback = await serve('loopback');
    assert.equal((await signIn(viaLoopback, loopback(), `${client}, ${inner}`)).status, 401);
    assert.equal(await count(inner), 1, 'only the loopback proxy is trusted: the next hop is the client');
    assert.equal(await count(client), 0);

    const viaBoth = await serve('loopback, 10.0.0.0/8');
    assert.equal((await signIn(viaBoth, loopback(), `${client}, ${inner}`)).status, 401);
    assert.equal(await count(client), 1, 'both proxies trusted: the first address is the client');

    const twoHops = await serve('2');
    assert.equal((await signIn(twoHops, loopback(), `${client}, ${inner}`)).status, 401);
    assert.equal(await count(client), 2);
  });

  it('TRUST_PROXY is validated at start-up with a message naming it', () => {
    for (const bad of ['yes', '10.0.0.0/99', 'example.com', '1,,2', '99']) {
      assert.equal(parseTrustProxy(bad), 'invalid', bad);
      assert.throws(
        () => parseEnv({ TRUST_PROXY: bad }),
        (err: unknown) => err instanceof EnvError && /^TRUST_PROXY must be a number of proxy hops/.test(err.problems[0] ?? ''),
      );
    }
    assert.deepEqual(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY, { hops: 2 });
    assert.deepEqual(parseEnv({ TRUST_PROXY: ' 10.0.0.0/8 , ::1, loopback ' }).TRUST_PROXY, {
      addresses: ['10.0.0.0/8', '::1', 'loopback'],
    });
    assert.equal(parseEnv({}).TRUST_PROXY, null);
    assert.equal(parseEnv({ TRUST_PROXY: '0' }).TRUST_PROXY, null);
  });

  it('HSTS only when the client came over https: X-Forwarded-Proto counts from a trusted proxy only', async () => {
    const untrusting = await serve();
    const trusting = await serve('loopback');
    const health = (s: AppServer, proto?: string) =>
      send(s.base, loopback(), 'GET', '/api/v1/health', proto ? { 'x-forwarded-proto': proto } : {});
    assert.equal((await health(untrusting, 'https')).headers['strict-transport-security'], undefined, 'spoofed https');
    assert.equal((await health(trusting)).headers['strict-transport-security'], undefined, 'plain http');
    assert.equal((await health(trusting, 'http')).headers['strict-transport-security'], undefined);
    assert.match(String((await health(trusting, 'https')).headers['strict-transport-security']), /^max-age=\d{8,}; includeSubDomains$/);
  });

  it('REST, tRPC, docs and metrics answers (2xx and errors) carry the security headers', async () => {
    const s = await serve();
    const from = loopback();
    const answers = {
      'REST 200': await send(s.base, from, 'GET', '/api/v1/health'),
      'REST 400': await send(s.base, from, 'GET', '/api/v1/flash-sales/public/sale?flashSaleId=nope'),
      'REST 404': await send(s.base, from, 'GET', '/api/v1/nope'),
      'tRPC 200': await send(s.base, from, 'GET', `/api/trpc/health.check?input=${encodeURIComponent('{"json":{}}')}`),
      'tRPC 400': await send(s.base, from, 'GET', '/api/trpc/sales.public?input=%7B'),
      'OpenAPI 200': await send(s.base, from, 'GET', '/api/v1/openapi.json'),
      'docs 200': await send(s.base, from, 'GET', '/docs'),
      'metrics 200': await send(s.base, from, 'GET', '/api/metrics'),
    };
    for (const [what, a] of Object.entries(answers)) {
      const csp = String(a.headers['content-security-policy'] ?? '');
      assert.match(csp, /frame-ancestors 'none'/, `${what}: ${csp}`);
      assert.doesNotMatch(csp, /unsafe-eval/, what);
      assert.equal(a.headers['x-content-type-options'], 'nosniff', what);
      assert.equal(a.headers['referrer-policy'], 'strict-origin-when-cross-origin', what);
      assert.equal(a.headers['x-frame-options'], 'DENY', what);
      if (what !== 'docs 200') assert.match(csp, /script-src 'self'(;|$)/, `${what}: API answers allow no inline script: ${csp}`);
    }
    assert.equal(answers['REST 400'].status, 400);
    assert.equal(answers['tRPC 400'].status, 400);
  });
});
