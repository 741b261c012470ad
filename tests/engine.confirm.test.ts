/**
 * The confirm's MongoDB record and the hold's deadline, against the real services:
 *  - 2,000 holds confirmed: the sale document's size stays flat (no per-sale growth);
 *  - a hold granted near the sale's end ends with the sale, and every view shows that deadline
 *    (buy answer, position, the live SSE push, the hold workflow's own timer).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { FlashSale, Order } from '@models/index';
import { holdWorkflowId } from '@/engine/contract';
import { queryHold } from '@/engine/temporal';
import type { holdWorkflow } from '../temporal/workflows/hold.workflow';
import { buy, confirm } from '@/server/orders/orders.service';
import { holdWorkflowsEnded, openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';

/** Runs `count` calls of `fn`, `concurrency` at a time. */
async function pool(count: number, concurrency: number, fn: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

describe('confirm record and hold deadline', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine({ holdTtlSec: 600 });
  });
  after(async () => {
    await engine.stop();
  });

  const saleDocBytes = async (saleId: string) => {
    const raw = await FlashSale.collection.findOne({ _id: new mongoose.Types.ObjectId(saleId) });
    return mongoose.mongo.BSON.calculateObjectSize(raw!);
  };

  it('2,000 confirms: the sale document does not grow', async () => {
    const units = 2_000;
    const sale = await openSale(engine, units);
    const before = await saleDocBytes(sale.id);
    const emails = Array.from({ length: units }, (_, i) => uniqueEmail(`doc${i}`));
    await pool(units, 100, (i) => buy(engine.deps, { email: emails[i]!, flashSaleId: sale.id }));
    assert.equal((await engine.deps.scripts.snapshot(sale.id)).holdsLive, units, 'every buyer holds a unit');

    const sizes: number[] = [];
    const t0 = Date.now();
    await pool(units, 20, async (i) => {
      await confirm(engine.deps, { email: emails[i]!, flashSaleId: sale.id });
      if ((i + 1) % 250 === 0) sizes.push(await saleDocBytes(sale.id));
    });
    // The last markers go right after their answers.
    const after = await waitFor(
      async () => {
        const bytes = await saleDocBytes(sale.id);
        return bytes === before ? bytes : null;
      },
      10_000,
      'the sale document back to its size',
    ).catch(() => saleDocBytes(sale.id));
    const orders = await Order.countDocuments({ flashSaleId: sale.id });
    console.log(
      `sale document ${before} bytes before, ${after} after ${orders} confirms (${Math.round((units / (Date.now() - t0)) * 1000)} confirms/s); ` +
        `sampled every 250 confirms: ${sizes.join(', ')}`,
    );
    assert.equal(orders, units);
    assert.equal((await FlashSale.findById(sale.id).lean())?.currentQuantity, 0);
    assert.equal(after, before, 'the same size after 2,000 confirms');
    // While confirms were in flight only their transient markers (a few dozen at most) were there.
    assert.ok(Math.max(...sizes) <= before + 100 * 40, `never more than the in-flight markers (max ${Math.max(...sizes)})`);
    // This crowd's 2,000 hold workflows end on their `confirmed` signals, sent in the background:
    // let them finish before the next test times a workflow of its own.
    await holdWorkflowsEnded(engine, sale.id);
  });

  it('concurrent confirms share the decrement, and MongoDB still refuses units it does not have', async () => {
    // Redis grants 100 holds; MongoDB has 60 units (as if Redis were wrong): a batch cannot take
    // them all, so its claims go one by one and exactly the 60 that fit are sold.
    const sale = await openSale(engine, 100);
    await FlashSale.updateOne({ _id: sale.id }, { $set: { currentQuantity: 60 } });
    const emails = Array.from({ length: 100 }, (_, i) => uniqueEmail(`short${i}`));
    await Promise.all(emails.map((email) => buy(engine.deps, { email, flashSaleId: sale.id })));
    const settled = await Promise.allSettled(emails.map((email) => confirm(engine.deps, { email, flashSaleId: sale.id })));
    const refused = settled.flatMap((r) => (r.status === 'rejected' ? [(r.reason as { code?: string }).code] : []));
    console.log(`100 confirms for 60 units in MongoDB: ${100 - refused.length} paid, refused ${JSON.stringify([...new Set(refused)])}`);
    assert.equal(settled.length - refused.length, 60);
    assert.deepEqual([...new Set(refused)], ['SOLD_OUT']);
    assert.equal(await Order.countDocuments({ flashSaleId: sale.id }), 60);
    assert.equal((await FlashSale.findById(sale.id).lean())?.currentQuantity, 0, 'never below 0');
    await waitFor(
      async () => Object.keys((await FlashSale.findById(sale.id).select('+pendingGrants').lean())?.pendingGrants ?? {}).length === 0,
      10_000,
      'no marker left',
    );
  });

  it('a hold granted near the sale end ends with the sale, and every view shows that deadline', async () => {
    const sale = await openSale(engine, 3, { endsInMs: 8_000 }); // hold time 600 s, sale left: 8 s
    const email = uniqueEmail('deadline');
    const api = engine.as(shopper(email));
    const bought = await api.orders.buy({ flashSaleId: sale.id });
    assert.equal(bought.status, 'held');
    assert.equal(bought.holdExpiresAt, sale.endsAt.toISOString(), 'buy answer: the sale end, not grant + 600 s');
    assert.ok(bought.holdTtlSec <= 8, `${bought.holdTtlSec} s left`);
    const pos = await api.orders.position({ flashSaleId: sale.id });
    assert.equal(pos.holdExpiresAt, sale.endsAt.toISOString(), 'position');

    // The live push (orders.watch, the SSE subscription behind the shop page).
    const pushes = (await api.orders.watch({ flashSaleId: sale.id }))[Symbol.asyncIterator]();
    const first = await pushes.next();
    await pushes.return?.();
    assert.equal((first.value as typeof pos).holdExpiresAt, sale.endsAt.toISOString(), 'SSE push');

    const view = await waitFor(
      async () => {
        const v = await queryHold(await engine.deps.temporal(), sale.id, email);
        return v?.state === 'held' ? v : null;
      },
      20_000,
      'the hold workflow',
    );
    assert.equal(view.expiresAtMs, sale.endsAt.getTime(), "the workflow's timer");

    // At the end the workflow ends the hold with the sale; the unit goes back; a late confirm is refused.
    const outcome = await (await engine.deps.temporal()).workflow.getHandle<typeof holdWorkflow>(holdWorkflowId(sale.id, email)).result();
    assert.equal(outcome, 'closed');
    assert.ok(Date.now() >= sale.endsAt.getTime(), 'not before the sale end');
    await assert.rejects(api.orders.confirm({ flashSaleId: sale.id }), /sale has ended/);
    assert.equal((await engine.deps.scripts.snapshot(sale.id)).stock, 3);
  });
});
