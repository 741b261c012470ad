/**
 * The app dies mid-confirm: SIGKILL the real API process while a crowd of confirms is in flight
 * (at a fault point between the Redis claim and the MongoDB step, between MongoDB and the Redis
 * ending, and at random points), with and without the worker killed at the same time. After a
 * restart every consumed hold ends as exactly one paid order, finished by the buyer's retry, the
 * hold workflow at its deadline or the sweeper; no unit is lost or sold twice; Redis and MongoDB
 * agree.
 */
import './http/private-database';
import { after, before, describe, it } from 'node:test';
import mongoose from 'mongoose';
import assert from 'node:assert/strict';
import { FlashSale, Order } from '@models/index';
import { saleKeys } from '@/engine/keys';
import { parseHoldEntry } from '@/engine/scripts';
import { issueToken } from '@/server/auth/session';
import { openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { saleLedger } from './support/crowd';
import { startApiProcess, startWorkerProcess, type Child } from './support/processes';

const PORT = 3471;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('app crash mid-confirm', () => {
  let engine: Engine;
  let worker: Child | undefined;
  let api: Child | undefined;

  before(async () => {
    engine = await startEngine(
      { holdTtlSec: 15, holdGraceSec: 2, confirmLeaseMs: 4_000, saleTickSec: 1, queueRecheckSec: 2 },
      { worker: false },
    );
    worker = await startWorkerProcess(engine);
  });
  after(async () => {
    await api?.kill();
    await worker?.kill();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await engine.stop();
  });

  /** Each buyer's shopper token (made as the verify endpoint makes it), made before the crowd confirms. */
  const tokens = new Map<string, string>();
  const confirmOverHttp = (email: string, saleId: string) =>
    fetch(`http://127.0.0.1:${PORT}/api/v1/orders/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(email)}` },
      body: JSON.stringify({ flashSaleId: saleId }),
    }).then(
      async (r) => ({ status: r.status, body: (await r.json()) as { orderId?: string } }),
      () => ({ status: 0, body: {} }), // the process died under the request
    );

  /** Buyers who each hold one of `units` units. */
  async function heldCrowd(units: number) {
    const sale = await openSale(engine, units);
    const emails = Array.from({ length: units }, (_, i) => uniqueEmail(`ac${i}`));
    for (const e of emails) tokens.set(e, await issueToken(shopper(e)));
    await Promise.all(emails.map((e) => engine.as(shopper(e)).orders.buy({ flashSaleId: sale.id })));
    const snap = await engine.deps.scripts.snapshot(sale.id);
    assert.equal(snap.holdsLive, units, 'every buyer holds a unit');
    return { sale, emails };
  }

  /** Which buyers' holds were consumed by a confirm (claimed or already paid) right after the kill. */
  async function consumed(saleId: string, emails: string[]) {
    const k = saleKeys(saleId);
    const holds = await engine.deps.redis.hgetall(k.holds);
    const paid = new Set(await engine.deps.redis.smembers(k.paid));
    return emails.filter((e) => paid.has(e) || parseHoldEntry(holds[e] ?? '')?.state === 'confirming');
  }

  /** Every consumed hold ends as exactly one paid order; everything reconciles. */
  async function assertSettled(saleId: string, units: number, mustBePaid: string[]) {
    await waitFor(async () => (await engine.deps.scripts.snapshot(saleId)).holdsLive === 0, 60_000, 'every hold settled');
    const orders = await Order.find({ flashSaleId: saleId }).lean();
    const byEmail = new Map<string, number>();
    for (const o of orders) byEmail.set(o.userEmail, (byEmail.get(o.userEmail) ?? 0) + 1);
    for (const e of mustBePaid) assert.equal(byEmail.get(e), 1, `${e}: one paid order for its consumed hold`);
    assert.ok(
      [...byEmail.values()].every((n) => n === 1),
      'no buyer has two orders',
    );
    const ledger = await saleLedger(engine, saleId);
    const doc = await FlashSale.findById(saleId).select('+pendingGrants').lean<{ pendingGrants?: Record<string, unknown> }>();
    console.log(
      `  consumed ${mustBePaid.length}; ledger ${JSON.stringify(ledger)}; markers left ${Object.keys(doc?.pendingGrants ?? {}).length}`,
    );
    assert.equal(ledger.paidOrders, orders.length);
    assert.equal(ledger.mongoSold, ledger.paidOrders, 'one decrement per order');
    assert.equal(ledger.redisPaid, ledger.paidOrders, 'Redis and MongoDB agree on who paid');
    assert.equal(ledger.redisPaid + ledger.redisStock + ledger.holdsLive, units, 'no unit lost or sold twice');
    assert.equal(ledger.redisStock, units - ledger.paidOrders);
    assert.deepEqual(doc?.pendingGrants ?? {}, {}, 'no confirm marker left on the sale');
  }

  for (const scenario of [
    { point: 'confirm.after-claim', killWorker: false },
    { point: 'confirm.after-order', killWorker: true },
  ]) {
    it(`SIGKILL at ${scenario.point}${scenario.killWorker ? ' with the worker killed too' : ''}: every claimed hold ends as one paid order`, async () => {
      const units = 30;
      const { sale, emails } = await heldCrowd(units);
      api = await startApiProcess(engine, PORT, { FAULT_POINT: scenario.point });
      const inFlight = emails.map((e) => confirmOverHttp(e, sale.id));
      await api.waitFor(new RegExp(`\\[fault\\] ${scenario.point} reached`), units, 60_000);
      await Promise.all([api.kill(), scenario.killWorker ? worker!.kill() : undefined]);
      const answers = await Promise.all(inFlight);
      assert.ok(
        answers.every((a) => a.status === 0),
        'every confirm died with the process',
      );
      const claimed = await consumed(sale.id, emails);
      assert.equal(claimed.length, units, 'every hold was consumed by its confirm before the kill');

      if (scenario.killWorker) worker = await startWorkerProcess(engine);
      api = await startApiProcess(engine, PORT);
      // Half the buyers press Pay again (the retry takes the dead confirm's lease over once it
      // ends); the others never come back: their hold workflows finish their confirms.
      const retries = await Promise.all(claimed.slice(0, units / 2).map((e) => confirmOverHttp(e, sale.id)));
      assert.deepEqual(
        retries.map((r) => r.status),
        retries.map(() => 200),
        'retried confirms answer with the order',
      );
      await assertSettled(sale.id, units, claimed);
      await api.kill();
    });
  }

  it('SIGKILL of app and worker at random points of a confirm crowd: consumed holds are paid, the rest expire', async () => {
    const units = 60;
    const { sale, emails } = await heldCrowd(units);
    api = await startApiProcess(engine, PORT);
    // Warm it up (connections, first-request compilation), so the crowd finds it answering.
    for (let i = 0; i < 3; i++) await fetch(`http://127.0.0.1:${PORT}/api/v1/health`);
    // Confirms arrive one every 10 ms; the kill lands in the middle of them, once a few answered.
    // The second half waits for those first answers (a slow machine must not send them all before
    // the kill), and buyers due after the kill never reach the app.
    let answered = 0;
    let killed = false;
    const inFlight: Promise<Awaited<ReturnType<typeof confirmOverHttp>>>[] = [];
    const arrivals = (async () => {
      for (const [i, e] of emails.entries()) {
        if (i === units / 2) await waitFor(async () => answered >= 5 || killed, 30_000, 'the first answers');
        if (killed) return;
        inFlight.push(confirmOverHttp(e, sale.id).then((a) => (answered++, a)));
        await sleep(10);
      }
    })();
    await waitFor(async () => answered >= 5, 30_000, 'the first answers');
    await sleep(Math.random() * 30);
    killed = true;
    await Promise.all([api.kill(), worker!.kill()]);
    await arrivals;
    const answers = await Promise.all(inFlight);
    const done = answers.filter((a) => a.status === 200).length;
    const claimed = await consumed(sale.id, emails);
    console.log(`  answered before the kill ${done}, consumed ${claimed.length} of ${units}`);
    assert.ok(claimed.length >= done, 'every answered confirm had consumed its hold');
    assert.ok(claimed.length < units, 'some confirms never reached the app');
    assert.ok(done > 0, 'some confirms were answered before the kill');

    worker = await startWorkerProcess(engine);
    api = await startApiProcess(engine, PORT);
    await assertSettled(sale.id, units, claimed);
    // Holds no confirm reached ran out and went back to stock.
    for (const e of emails.filter((x) => !claimed.includes(x))) {
      assert.equal((await engine.as(shopper(e)).orders.position({ flashSaleId: sale.id })).status, 'expired');
    }
    await api.kill();
  });
});
