/**
 * The REST API under concurrency, against the real engine: a crowd of distinct buyers arriving
 * at once each gets exactly one unit, confirms race safely, and nothing is oversold. Each buyer
 * sends a shopper bearer token made as the verify endpoint makes it (SHOPPER_AUTH=verified).
 */
import './http/private-database';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FlashSale, Order } from '@models/index';
import { createRestHandler } from '@/server/rest';
import * as S from '@/server/rest/rest.schema';
import { issueToken } from '@/server/auth/session';
import { openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { testRateLimits } from './support/rate-limits';

describe('REST API under concurrency', () => {
  let engine: Engine;
  let server: Server;
  let base: string;

  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  };
  const parse = <T extends { parse: (v: unknown) => unknown }>(r: { status: number; json: unknown }, schema: T) => {
    assert.equal(r.status, 200, JSON.stringify(r.json));
    return schema.parse(r.json) as ReturnType<T['parse']>;
  };

  before(async () => {
    // Holds outlast the whole test: 200 grants and 200 confirms take a while on a busy 2-core box.
    engine = await startEngine({ holdTtlSec: 300 });
    const handler = createRestHandler({
      deps: () => engine.deps,
      // Everyone comes from 127.0.0.1 here: the per-address limit must not be the thing under test.
      rateLimits: () => testRateLimits({ perIp: 1_000_000, perEmail: 10, windowSec: 10 }, { confirm: { perEmail: 40 } }),
    });
    server = createServer((req, res) => void handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await engine.stop();
  });

  it('200 parallel buys of distinct emails: all 200, one unit each; 200 parallel confirms: 200 orders, no oversell', async () => {
    const N = 200;
    const sale = await openSale(engine, N);
    const emails = Array.from({ length: N }, (_, i) => uniqueEmail(`crowd${i}`));
    const tokens = new Map(await Promise.all(emails.map(async (email) => [email, await issueToken(shopper(email))] as const)));

    const buys = await Promise.all(emails.map((email) => call('POST', '/api/v1/orders/buy', { flashSaleId: sale.id }, tokens.get(email))));
    for (const b of buys) parse(b, S.ZBuyResponse);

    await waitFor(
      async () => {
        const r = await call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`);
        return parse(r, S.ZPublicSaleResponse).meta.holdsLive === N;
      },
      90_000,
      `${N} holds`,
    );
    const positions = await Promise.all(
      emails.map((email) => call('GET', `/api/v1/orders/position?flashSaleId=${sale.id}`, undefined, tokens.get(email))),
    );
    for (const p of positions) assert.equal(parse(p, S.ZPositionResponse).status, 'ready');

    // Each buyer confirms twice at once (a double click): one order each, the same answer twice.
    const confirms = await Promise.all(
      [...emails, ...emails].map((email) => call('POST', '/api/v1/orders/confirm', { email, flashSaleId: sale.id }, tokens.get(email))),
    );
    const ids = confirms.map((c) => parse(c, S.ZConfirmResponse).orderId);
    assert.deepEqual(ids.slice(0, N), ids.slice(N), 'a double confirm returns the same order');
    assert.equal(new Set(ids).size, N, 'one order per buyer');

    const doc = await FlashSale.findById(sale.id).lean();
    assert.equal(doc?.currentQuantity, 0);
    assert.equal(await Order.countDocuments({ flashSaleId: sale.id }), N);
    const late = await call('POST', '/api/v1/orders/buy', { flashSaleId: sale.id }, await issueToken(shopper(uniqueEmail())));
    assert.equal(late.status, 409);
    assert.equal((late.json as { error: { code: string } }).error.code, 'SOLD_OUT');
  });
});
