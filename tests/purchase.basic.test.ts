import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlashSale, Order } from '@models/index';
import { holdWorkflowId } from '@/engine/contract';
import { queryHold } from '@/engine/temporal';
import type { holdWorkflow } from '../temporal/workflows/hold.workflow';
import { startEngine, openSale, shopper, uniqueEmail, waitFor, type Engine } from './support/engine';

describe('purchase: buy -> held -> confirm', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await engine.stop();
  });

  it('a buyer is queued, granted a hold, confirms, and gets one order', async () => {
    const sale = await openSale(engine, 3, { price: 42 });
    const email = uniqueEmail();
    const api = engine.as(shopper(email));

    const bought = await api.orders.buy({ flashSaleId: sale.id });
    assert.ok(['queued', 'held'].includes(bought.status), `status ${bought.status}`);

    const held = await waitFor(
      async () => {
        const p = await api.orders.position({ flashSaleId: sale.id });
        return p.status === 'held' ? p : null;
      },
      20_000,
      'hold',
    );
    assert.equal(held.hasActiveHold, true);
    assert.ok(held.holdTtlSec > 0 && held.holdTtlSec <= engine.config.holdTtlSec);

    // The workflow (started in the background) holds the hold's timer.
    const view = await waitFor(
      async () => {
        const v = await queryHold(await engine.deps.temporal(), sale.id, email);
        return v?.state === 'held' ? v : null;
      },
      20_000,
      'the hold workflow in state held',
    );
    assert.equal(view.token, (await engine.deps.scripts.snapshot(sale.id, email)).hold?.token);

    const order = await api.orders.confirm({ flashSaleId: sale.id });
    assert.equal(order.userEmail, email);
    assert.equal(order.totalAmount, 42);
    assert.equal(order.paymentStatus, 'paid');

    const again = await api.orders.confirm({ flashSaleId: sale.id });
    assert.equal(again.id, order.id, 'a repeated confirm returns the same order');

    const doc = await FlashSale.findById(sale.id).lean();
    assert.equal(doc?.currentQuantity, 2);
    assert.equal(await Order.countDocuments({ flashSaleId: sale.id }), 1);
    const snap = await engine.deps.scripts.snapshot(sale.id, email);
    assert.equal(snap.paid, true);
    assert.equal(snap.holdsLive, 0);
    assert.equal(snap.stock, 2);

    const p = await api.orders.position({ flashSaleId: sale.id });
    assert.equal(p.status, 'purchased');
    // The confirm signal ends the hold workflow as confirmed (it would otherwise sleep to the deadline).
    const result = await (await engine.deps.temporal()).workflow.getHandle<typeof holdWorkflow>(holdWorkflowId(sale.id, email)).result();
    assert.equal(result, 'confirmed');
    await assert.rejects(api.orders.buy({ flashSaleId: sale.id }), /already bought/);
  });
});
