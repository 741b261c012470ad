/**
 * Durability: SIGKILL the worker process while holds are live and buyers wait. Confirms go on
 * without it (no request waits on a workflow task); after a restart the holds' durable timers
 * fire and their units go to the next buyers in queue order; the invariants hold.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startEngine, openSale, shopper, uniqueEmail, waitFor, type Engine } from './support/engine';
import { saleLedger } from './support/crowd';
import { startWorkerProcess, type Child } from './support/processes';

describe('worker crash', () => {
  let engine: Engine;
  let worker: Child | undefined;
  before(async () => {
    engine = await startEngine({ holdTtlSec: 12, queueRecheckSec: 2, saleTickSec: 1 }, { worker: false });
  });
  after(async () => {
    await worker?.kill();
    await engine.stop();
  });

  it('SIGKILL mid-sale loses no hold: confirms and expiries resume after restart', async () => {
    worker = await startWorkerProcess(engine);
    const sale = await openSale(engine, 5);
    const buyers = Array.from({ length: 12 }, (_, i) => uniqueEmail(`crash${i}`)).map((email) => ({
      email,
      api: engine.as(shopper(email)),
    }));
    for (const b of buyers) await b.api.orders.buy({ flashSaleId: sale.id }); // arrival order = index
    await waitFor(async () => (await saleLedger(engine, sale.id)).holdsLive === 5, 30_000, '5 live holds');
    const held: typeof buyers = [];
    for (const b of buyers) if ((await b.api.orders.position({ flashSaleId: sale.id })).status === 'held') held.push(b);
    assert.equal(held.length, 5);

    await worker.kill();
    const killedAt = Date.now();

    // Two holders confirm while no worker runs: the confirm does not need one.
    const orders = await Promise.all(held.slice(0, 2).map((b) => b.api.orders.confirm({ flashSaleId: sale.id })));
    console.log(`confirms made ${Date.now() - killedAt} ms into the worker outage completed: ${orders.map((o) => o.id).join(', ')}`);
    assert.equal(orders.length, 2);
    await new Promise((r) => setTimeout(r, 3_000));
    worker = await startWorkerProcess(engine);

    // The other three holds run out; their units go to the next three buyers in the queue.
    const waiting = buyers.filter((b) => !held.includes(b));
    const promoted = await waitFor(
      async () => {
        const st = await Promise.all(waiting.map((b) => b.api.orders.position({ flashSaleId: sale.id })));
        const n = st.filter((p) => p.status === 'held');
        return n.length === 3 ? waiting.filter((_, i) => st[i]!.status === 'held') : null;
      },
      40_000,
      'three waiting buyers promoted after the expiries',
    );
    assert.deepEqual(
      promoted.map((b) => b.email),
      waiting.slice(0, 3).map((b) => b.email),
      'promoted in queue order',
    );
    for (const b of held.slice(2)) assert.equal((await b.api.orders.position({ flashSaleId: sale.id })).status, 'expired');
    await Promise.all(promoted.map((b) => b.api.orders.confirm({ flashSaleId: sale.id })));

    const ledger = await saleLedger(engine, sale.id);
    console.log(`after restart: ${JSON.stringify(ledger)}`);
    assert.equal(ledger.paidOrders, 5);
    assert.equal(ledger.mongoQuantity, 0);
    assert.equal(ledger.redisStock, 0);
    assert.equal(ledger.holdsLive, 0);
    assert.equal(ledger.redisPaid + ledger.redisStock + ledger.holdsLive, 5);
  });
});
