/**
 * Running a live sale through tRPC: pause (nothing is granted, the queue keeps its order, a live
 * hold keeps its deadline and may still be paid), resume (grants go on from the head of the
 * queue), extend (the end moves in MongoDB, Redis and the sale workflow's timers).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlashSale } from '@models/index';
import { holdWorkflowId, saleStateQuery, saleWorkflowId } from '@/engine/contract';
import { fairnessReport } from '@/engine/fairness';
import { saleKeys } from '@/engine/keys';
import { queryHold } from '@/engine/temporal';
import { admin, openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause, resume, extend (tRPC)', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine({ holdTtlSec: 60, saleTickSec: 1, queueRecheckSec: 1 });
  });
  after(async () => {
    await engine.stop();
  });

  it('a paused sale grants nothing and keeps its queue; resume grants in queue order; extend moves every timer', async () => {
    const sale = await openSale(engine, 3);
    const [a, b, c] = [uniqueEmail('la'), uniqueEmail('lb'), uniqueEmail('lc')].map((email) => ({ email, api: engine.as(shopper(email)) }));
    const adminApi = engine.as(admin);
    const held = await a!.api.orders.buy({ flashSaleId: sale.id });
    assert.equal(held.status, 'held');
    const aView = await waitFor(
      async () => {
        const v = await queryHold(await engine.deps.temporal(), sale.id, a!.email);
        return v?.state === 'held' ? v : null;
      },
      20_000,
      "a's hold workflow",
    );

    await assert.rejects(b!.api.sales.pause({ id: sale.id }), /Admins only/);
    const paused = await adminApi.sales.pause({ id: sale.id });
    assert.ok(paused.pausedAt instanceof Date, 'pausedAt set');
    assert.equal(
      (await adminApi.sales.pause({ id: sale.id })).pausedAt?.getTime(),
      paused.pausedAt.getTime(),
      'pausing twice changes nothing',
    );
    assert.equal(await engine.deps.redis.hget(saleKeys(sale.id).meta, 'paused'), '1');
    assert.equal((await b!.api.sales.public({ flashSaleId: sale.id })).meta.paused, true);

    // Two units are free, but nothing is granted while paused: b and c queue in arrival order,
    // and stay queued through several sale ticks and workflow re-checks.
    assert.equal((await b!.api.orders.buy({ flashSaleId: sale.id })).status, 'queued');
    assert.equal((await c!.api.orders.buy({ flashSaleId: sale.id })).position, 2);
    await sleep(3_000);
    assert.deepEqual(
      [
        (await b!.api.orders.position({ flashSaleId: sale.id })).position,
        (await c!.api.orders.position({ flashSaleId: sale.id })).position,
      ],
      [1, 2],
      'the queue keeps its order',
    );
    // a's hold keeps its deadline, and a may pay.
    assert.equal((await queryHold(await engine.deps.temporal(), sale.id, a!.email))?.expiresAtMs, aView.expiresAtMs);
    assert.equal((await a!.api.orders.confirm({ flashSaleId: sale.id })).userEmail, a!.email);

    const resumed = await adminApi.sales.resume({ id: sale.id });
    assert.equal(resumed.pausedAt, null);
    await waitFor(
      async () => (await c!.api.orders.position({ flashSaleId: sale.id })).status === 'held',
      20_000,
      'c granted after the resume',
    );
    assert.equal((await b!.api.orders.position({ flashSaleId: sale.id })).status, 'held');
    const grants = (await fairnessReport(engine.deps, sale.id)).grants.map((g) => g.email);
    assert.deepEqual(grants, [a!.email, b!.email, c!.email], 'granted in arrival order');

    const later = new Date(sale.endsAt.getTime() + 30 * 60_000);
    const extended = await adminApi.sales.extend({ id: sale.id, endsAt: later });
    assert.equal(extended.endsAt.getTime(), later.getTime());
    assert.equal((await FlashSale.findById(sale.id).lean())?.endsAt.getTime(), later.getTime(), 'MongoDB');
    assert.equal(Number(await engine.deps.redis.hget(saleKeys(sale.id).meta, 'endsAt')), later.getTime(), 'Redis');
    const handle = (await engine.deps.temporal()).workflow.getHandle(saleWorkflowId(sale.id));
    await waitFor(async () => (await handle.query(saleStateQuery)).endsAtMs === later.getTime(), 10_000, "the sale workflow's end");
    await assert.rejects(adminApi.sales.extend({ id: sale.id, endsAt: sale.endsAt }), /later than the current end/);
    const upcoming = await openSale(engine, 1, { startsInMs: 3_600_000, endsInMs: 7_200_000 });
    await assert.rejects(adminApi.sales.pause({ id: upcoming.id }), /not started yet/);
  });
});

describe('ending a sale early', () => {
  let engine: Engine;
  before(async () => {
    // Queued buyers re-check only every 5 minutes, as in production: the close must wake them.
    engine = await startEngine({ holdTtlSec: 600, queueRecheckSec: 300 });
  });
  after(async () => {
    await engine.stop();
  });

  it("the queued buyers' workflows end with the sale, not at their next re-check", async () => {
    const sale = await openSale(engine, 1, { endsInMs: 3_600_000 });
    const emails = Array.from({ length: 60 }, (_, i) => uniqueEmail(`early${i}`));
    const answers = await Promise.all(emails.map((email) => engine.as(shopper(email)).orders.buy({ flashSaleId: sale.id })));
    assert.equal(answers.filter((a) => a.status === 'held').length, 1, 'one holds the only unit');
    assert.equal(answers.filter((a) => a.status === 'queued').length, 59, 'the others queue');
    const client = await engine.deps.temporal();
    const running = async () => (await client.workflow.count(`SaleId = '${sale.id}' AND ExecutionStatus = 'Running'`)).count;
    await waitFor(async () => (await running()) === 60, 60_000, 'every buyer has a running hold workflow');

    const t0 = Date.now();
    await engine.as(admin).sales.update({ id: sale.id, endsAt: new Date(Date.now() + 1_000) });
    await waitFor(async () => (await running()) === 0, 120_000, 'every hold workflow ended');
    const tookMs = Date.now() - t0;
    console.log(`60 hold workflows (1 held, 59 queued) ended ${tookMs} ms after the admin ended the sale (re-check: 300 s)`);
    assert.ok(tookMs < 30_000, `ended with the sale (${tookMs} ms), not at a re-check`);
    const outcomes = await Promise.all(
      emails.map((e) => client.workflow.getHandle(holdWorkflowId(sale.id, e)).result() as Promise<string>),
    );
    assert.deepEqual([...new Set(outcomes)], ['closed'], 'every one closed with the sale');
  });
});
