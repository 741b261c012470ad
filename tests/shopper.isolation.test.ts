/**
 * One shopper cannot touch another's hold or orders: shopper A, signed in through the real code
 * flow (mail read from Mailpit), tries to read, confirm, cancel and buy as B over REST (403
 * NOT_YOUR_EMAIL) and tRPC (403 on byEmail; the other procedures have no email field: 400), and
 * B's hold, the sale's Redis keys and the orders are byte-for-byte unchanged. Then the rule in
 * SHOPPER_AUTH=open (the original system's email in the body, for load tests and demos).
 */
import './http/private-database';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import assert from 'node:assert/strict';
import { allSaleKeys, saleKeys } from '@/engine/keys';
import { issueToken } from '@/server/auth/session';
import { createRestHandler } from '@/server/rest';
import { Order } from '@models/index';
import { admin, openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { restMessage, serveApp, trpcMessage, type Answer, type AppServer } from './http/app-server';
import { signInShopper } from './support/shopper-sign-in';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const code = (a: Answer) => a.json?.error?.code as string | undefined;

/** Every key of the sale (DUMP + expiry) and its orders, for before / after comparisons. */
async function state(engine: Engine, saleId: string) {
  const redis: Record<string, unknown> = {};
  for (const key of [...allSaleKeys(saleKeys(saleId)), `${saleKeys(saleId).holdPrefix}*`]) {
    const keys = key.endsWith('*') ? await engine.deps.redis.keys(key) : [key];
    for (const k of keys.sort()) {
      const [dump, ttl] = await Promise.all([engine.deps.redis.dumpBuffer(k), engine.deps.redis.call('PEXPIRETIME', k)]);
      redis[k] = { dump: dump?.toString('hex') ?? null, ttl };
    }
  }
  const orders = await Order.find({ flashSaleId: saleId }).sort({ _id: 1 }).lean();
  return JSON.stringify({ redis, orders });
}

describe('shoppers act only for themselves', () => {
  let engine: Engine;
  let app: AppServer;
  let a: { email: string; token: string };
  let b: { email: string; token: string };

  before(async () => {
    engine = await startEngine({ holdTtlSec: 120 });
    app = await serveApp(engine.deps);
    const [ea, eb] = [uniqueEmail('alice'), uniqueEmail('bob')];
    a = { email: ea, token: await signInShopper(app.base, ea) };
    b = { email: eb, token: await signInShopper(app.base, eb) };
  });
  after(async () => {
    await app.close();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await engine.stop();
  });

  it("A's token cannot read, confirm, cancel or buy as B (REST 403, tRPC 403 / 400); B's hold and orders do not change", async () => {
    const paidSale = await openSale(engine, 2);
    const sale = await openSale(engine, 2);
    // B paid in one sale and holds a unit in the other.
    for (const s of [paidSale, sale]) {
      const bought = await app.call('POST', '/api/v1/orders/buy', { token: b.token, body: { flashSaleId: s.id } });
      assert.equal(bought.status, 200, bought.text);
      await waitFor(
        async () => (await app.call('GET', `/api/v1/orders/position?flashSaleId=${s.id}`, { token: b.token })).json.status === 'ready',
        20_000,
        'B holds',
      );
    }
    assert.equal((await app.call('POST', '/api/v1/orders/confirm', { token: b.token, body: { flashSaleId: paidSale.id } })).status, 200);
    // Let the engine settle (B's hold workflow, the sale workflow's first tick), then freeze.
    await new Promise((r) => setTimeout(r, 1500));
    const before0 = await state(engine, sale.id);
    const paidBefore = await state(engine, paidSale.id);

    const B = encodeURIComponent(b.email);
    const rest: [string, string, unknown?][] = [
      ['GET', `/api/v1/orders/position?email=${B}&flashSaleId=${sale.id}`],
      ['POST', '/api/v1/orders/confirm', { email: b.email, flashSaleId: sale.id }],
      ['POST', '/api/v1/orders/confirm', { email: b.email, flashSaleId: sale.id, totalAmount: 10 }],
      ['POST', '/api/v1/orders/cancel', { email: b.email, flashSaleId: sale.id }],
      ['POST', '/api/v1/orders/buy', { email: b.email, flashSaleId: sale.id }],
      ['GET', `/api/v1/orders/by-email?email=${B}`],
    ];
    for (const [method, path, body] of rest) {
      const r = await app.call(method, path, { token: a.token, body });
      assert.equal(r.status, 403, `${method} ${path}: ${r.text}`);
      assert.equal(code(r), 'NOT_YOUR_EMAIL');
      assert.match(restMessage(r)!, /^email is not the signed-in shopper's/);
    }
    // tRPC: byEmail names B (403); the purchase procedures have no email field at all.
    const byEmail = await app.trpc('query', 'orders.byEmail', { email: b.email }, { token: a.token });
    assert.equal(byEmail.status, 403, byEmail.text);
    for (const [kind, path] of [
      ['query', 'orders.position'],
      ['mutation', 'orders.confirm'],
      ['mutation', 'orders.cancel'],
      ['mutation', 'orders.buy'],
    ] as const) {
      const r = await app.trpc(kind, path, { flashSaleId: sale.id, email: b.email }, { token: a.token });
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(trpcMessage(r), 'email is not a known field');
    }
    // A's own confirm and cancel act on A, who holds nothing: B's hold is untouched.
    const own = await app.call('POST', '/api/v1/orders/confirm', { token: a.token, body: { flashSaleId: sale.id } });
    assert.equal(own.status, 409, own.text);
    assert.equal(code(own), 'NO_ACTIVE_HOLD');
    assert.equal((await app.trpc('mutation', 'orders.cancel', { flashSaleId: sale.id }, { token: a.token })).status, 404);
    const mine = await app.call('GET', '/api/v1/orders/by-email', { token: a.token });
    assert.deepEqual(mine.json, { items: [], total: 0 }, "A's orders are A's: none");

    assert.equal(await state(engine, sale.id), before0, "the sale's Redis keys and orders are byte-for-byte unchanged");
    assert.equal(await state(engine, paidSale.id), paidBefore);
    const held = await app.call('GET', `/api/v1/orders/position?email=${B}&flashSaleId=${sale.id}`, { token: b.token });
    assert.equal(held.json.status, 'ready', 'B still holds, and may name themselves');
    const theirs = await app.call('GET', `/api/v1/orders/by-email?email=${B}`, { token: b.token });
    assert.equal(theirs.json.total, 1);
  });

  it("an admin may read anyone's orders, but cannot buy or confirm as a shopper", async () => {
    const sale = await openSale(engine, 1);
    const adminToken = await issueToken(admin);
    const B = encodeURIComponent(b.email);
    const read = await app.call('GET', `/api/v1/orders/by-email?email=${B}`, { token: adminToken });
    assert.equal(read.status, 200, read.text);
    for (const path of ['/api/v1/orders/buy', '/api/v1/orders/confirm', '/api/v1/orders/cancel']) {
      const r = await app.call('POST', path, { token: adminToken, body: { email: b.email, flashSaleId: sale.id } });
      assert.equal(r.status, 403, `${path}: ${r.text}`);
    }
    assert.equal((await engine.deps.scripts.snapshot(sale.id)).queueSize, 0);
  });

  it('SHOPPER_AUTH=open: the email in the body names the buyer (as in the original system); a token still only acts for itself', async () => {
    const handler = createRestHandler({ deps: () => engine.deps, shopperAuth: () => 'open' });
    const server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const call = async (method: string, path: string, o: { body?: unknown; token?: string } = {}) => {
      const res = await fetch(base + path, {
        method,
        headers: { ...(o.body ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
        body: o.body ? JSON.stringify(o.body) : undefined,
      });
      return { status: res.status, json: await res.json() };
    };
    try {
      const sale = await openSale(engine, 3);
      const guest = uniqueEmail('guest');
      const bought = await call('POST', '/api/v1/orders/buy', { body: { email: guest, flashSaleId: sale.id } });
      assert.equal(bought.status, 200, JSON.stringify(bought.json));
      const pos = await call('GET', `/api/v1/orders/position?email=${encodeURIComponent(guest)}&flashSaleId=${sale.id}`);
      assert.equal(pos.status, 200);
      // Nobody named: 400 on the email field, with the other problems.
      const nobody = await call('POST', '/api/v1/orders/buy', { body: {} });
      assert.equal(nobody.status, 400);
      assert.deepEqual(Object.keys(nobody.json.error.fields).sort(), ['email', 'flashSaleId']);
      assert.match(nobody.json.error.message, /^email is required \(or sign in and send Authorization: Bearer <token>\)/);
      // A token acts for its own email, in open mode too.
      const other = await call('POST', '/api/v1/orders/buy', { token: a.token, body: { email: guest, flashSaleId: sale.id } });
      assert.equal(other.status, 403);
      const own = await call('POST', '/api/v1/orders/buy', { token: a.token, body: { flashSaleId: sale.id } });
      assert.equal(own.status, 200);
      const bad = await call('POST', '/api/v1/orders/buy', { token: 'garbage', body: { email: guest, flashSaleId: sale.id } });
      assert.equal(bad.status, 401, 'a token that does not check out is refused, not ignored');
      const doc = await call('GET', '/api/v1/openapi.json');
      assert.deepEqual(doc.json.paths['/api/v1/orders/buy'].post.security, [{}, { bearer: [] }], 'open mode: the token is optional');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
