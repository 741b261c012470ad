/**
 * The purchase lane in its thread (src/server/lane/thread-lane.ts), as the app runs it: buys and
 * confirms from the services, hundreds at once, against the real Redis, MongoDB and Temporal.
 * Claims: the thread's answers are the in-process lane's (holds, orders, no oversell); refusals
 * cross the thread as the same domain errors (code, kind, Retry-After); the metrics it records
 * reach the app's /api/metrics; a thread that dies answers 503 for its requests in flight and the
 * next request starts a new one.
 */
import './http/private-database';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlashSale, Order } from '@models/index';
import { env } from '@/env';
import { DomainError } from '@/engine/errors';
import type { AppDeps } from '@/server/deps';
import { startThreadLane } from '@/server/lane/thread-lane';
import type { PurchaseLane } from '@/server/lane/purchase-lane';
import { buy, confirm } from '@/server/orders/orders.service';
import { rateLimitSettings } from '@/server/ratelimit';
import { openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { saleLedger } from './support/crowd';
import { serveApp, type AppServer } from './http/app-server';

describe('the purchase lane in its own thread', () => {
  let engine: Engine;
  let lane: PurchaseLane;
  let deps: AppDeps;
  let app: AppServer;

  before(async () => {
    // The thread reads its settings from the environment, as in the app: the same database.
    engine = await startEngine({ holdTtlSec: 120 }, { database: env.MONGO_DB });
    lane = startThreadLane();
    deps = { ...engine.deps, lane };
    app = await serveApp(deps);
  });
  after(async () => {
    await app?.close();
    await lane?.close();
    await engine?.stop();
  });

  it('200 parallel buys and 200 parallel confirms for 100 units: 100 orders, the rest refused as domain errors', async () => {
    const units = 100;
    const sale = await openSale(engine, units);
    const emails = Array.from({ length: 200 }, (_, i) => uniqueEmail(`lane${i}`));
    const bought = await Promise.all(emails.map((email) => buy(deps, { email, flashSaleId: sale.id })));
    const held = bought.filter((b) => b.status === 'held').length;
    assert.equal(held, units, 'the first 100 arrivals hold a unit at once');
    assert.equal(bought.filter((b) => b.status === 'queued').length, 200 - units);

    const settled = await Promise.allSettled(emails.map((email) => confirm(deps, { email, flashSaleId: sale.id })));
    const paid = settled.filter((s) => s.status === 'fulfilled');
    const refused = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const reasons = [...new Set(refused.map((e) => (e as Error).message))];
    console.log(`through the thread: ${held} held, ${paid.length} paid, ${refused.length} refused (${reasons.join('; ')})`);
    assert.equal(paid.length, units);
    assert.equal(refused.length, 200 - units);
    for (const err of refused) {
      assert.ok(err instanceof DomainError, `a domain error, not ${String(err)}`);
      assert.equal(err.code, 'NO_ACTIVE_HOLD');
      assert.equal(err.kind, 'CONFLICT');
      assert.match(err.message, /still in the queue/);
    }
    const orders = await Order.find({ flashSaleId: sale.id }).lean();
    assert.equal(orders.length, units);
    assert.equal(new Set(orders.map((o) => o.userEmail)).size, units, 'one order per buyer');
    assert.equal((await FlashSale.findById(sale.id).lean())?.currentQuantity, 0);
    const ledger = await saleLedger(engine, sale.id);
    assert.deepEqual([ledger.redisStock, ledger.redisPaid, ledger.holdsLive], [0, units, 0], 'Redis agrees with MongoDB');

    // A double click's confirm answers with the same order, from the thread as well.
    const again = await confirm(deps, { email: emails[0]!, flashSaleId: sale.id });
    assert.equal(again.id, String(orders.find((o) => o.userEmail === emails[0])?._id));
  });

  it('the guards run in the thread: a rate limit refuses with Retry-After, counted in the app metrics', async () => {
    const sale = await openSale(engine, 5);
    const email = uniqueEmail('limited');
    const base = rateLimitSettings();
    const settings = { enabled: true, limits: { ...base.limits, buy: { perIp: 100, perEmail: 2, windowSec: 30 } } };
    const guards = { rateLimit: { action: 'buy' as const, subject: { ip: '203.0.113.7', email }, settings } };
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => buy(deps, { email, flashSaleId: sale.id }, guards)));
    const limited = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as DomainError] : []));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 2, 'two buys pass the limit of 2');
    assert.equal(limited.length, 3);
    for (const err of limited) {
      assert.ok(err instanceof DomainError);
      assert.equal(err.code, 'RATE_LIMITED');
      assert.equal(err.kind, 'TOO_MANY_REQUESTS');
      assert.ok(err.retryAfterSec && err.retryAfterSec >= 1 && err.retryAfterSec <= 30, `Retry-After ${err.retryAfterSec}`);
    }

    // What the thread recorded (rate limits, confirm steps) is in the app's /api/metrics.
    const text = await (await fetch(`${app.base}/api/metrics`)).text();
    const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
    assert.ok(sample('flashsale_rate_limited_total\\{action="buy",scope="email"\\}') >= 3, 'rate-limited buys counted');
    assert.ok(sample('flashsale_confirm_step_seconds_count\\{step="claim"\\}') >= 200, 'the confirm steps of the first test');
    assert.ok(sample('flashsale_confirm_step_seconds_count\\{step="decrement"\\}') >= 100);
  });

  it('a thread that dies: its requests in flight answer 503, the next request gets a new thread', async () => {
    const sale = await openSale(engine, 3);
    const email = uniqueEmail('restart');
    const inFlight = Promise.allSettled(Array.from({ length: 20 }, () => buy(deps, { email, flashSaleId: sale.id })));
    await lane.close(); // the thread ends under them
    const answers = await inFlight;
    const cut = answers.flatMap((a) => (a.status === 'rejected' ? [a.reason as unknown] : []));
    console.log(`thread ended under 20 buys: ${20 - cut.length} answered before, ${cut.length} cut off`);
    assert.ok(cut.length > 0, 'some buys were in flight when the thread ended');
    for (const err of cut) {
      assert.ok(err instanceof DomainError, String(err));
      assert.equal(err.code, 'SERVICE_UNAVAILABLE');
    }
    const after = await waitFor(() => buy(deps, { email, flashSaleId: sale.id }), 20_000, 'a buy through a new thread');
    assert.equal(after.status, 'held');
  });
});
