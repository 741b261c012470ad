/**
 * No oversell and one unit per person, under real concurrency against real Redis, Temporal and
 * the Mongo wire server.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Order } from '@models/index';
import { startEngine, openSale, shopper, uniqueEmail, type Engine } from './support/engine';
import { runBuyer, saleLedger, watchRedisBalance, type Behaviour } from './support/crowd';

describe('no oversell, one unit per person', () => {
  let engine: Engine;
  before(async () => {
    // Holds long enough that the dev server's lag under 500 workflows never decides a confirm.
    engine = await startEngine({ holdTtlSec: 20, queueRecheckSec: 3 });
  });
  after(async () => {
    await engine.stop();
  });

  it('500 distinct buyers race for 50 units and all confirm: exactly 50 paid orders', async () => {
    const sale = await openSale(engine, 50);
    const balance = watchRedisBalance(engine, sale.id, 50);
    const t0 = Date.now();
    const results = await Promise.all(Array.from({ length: 500 }, (_, i) => runBuyer(engine, sale.id, uniqueEmail(`race${i}`), 'confirm')));
    const elapsed = Date.now() - t0;
    const { samples, violations } = await balance.stop();
    const ledger = await saleLedger(engine, sale.id);
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    console.log(
      `500 buyers / 50 units: ${elapsed} ms, purchased ${count('purchased')}, sold_out ${count('sold_out')}, ` +
        `refused ${count('refused')}; ledger ${JSON.stringify(ledger)}; ${samples} balance samples`,
    );

    assert.deepEqual(
      results.filter((r) => r.error && r.outcome === 'refused'),
      [],
      'no errors',
    );
    assert.equal(count('purchased'), 50);
    assert.equal(count('sold_out'), 450);
    assert.equal(ledger.paidOrders, 50);
    assert.equal(ledger.mongoQuantity, 0);
    assert.equal(ledger.redisStock, 0);
    assert.equal(ledger.holdsLive, 0);
    assert.deepEqual(violations, [], 'Redis paid + stock + holds == starting at every sample');
  });

  it('random confirm / cancel / abandon mixes never oversell and every released unit is resold', async () => {
    engine.config.holdTtlSec = 10; // abandoned holds must expire within the test
    for (let round = 0; round < 3; round++) {
      const units = 15;
      const sale = await openSale(engine, units);
      const balance = watchRedisBalance(engine, sale.id, units);
      const behaviours: Behaviour[] = ['confirm', 'confirm', 'cancel', 'abandon'];
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          runBuyer(engine, sale.id, uniqueEmail(`mix${round}-${i}`), behaviours[Math.floor(Math.random() * 4)]!),
        ),
      );
      const { violations } = await balance.stop();
      const ledger = await saleLedger(engine, sale.id);
      const purchased = results.filter((r) => r.outcome === 'purchased').length;
      console.log(`round ${round}: purchased ${purchased}, ledger ${JSON.stringify(ledger)}`);

      assert.ok(ledger.paidOrders <= units, 'never more paid orders than units');
      assert.equal(ledger.paidOrders, purchased);
      assert.equal(ledger.mongoSold, ledger.paidOrders, 'Mongo decrements == paid orders');
      assert.ok(ledger.mongoQuantity >= 0 && ledger.redisStock >= 0);
      assert.deepEqual(violations, []);
      // 100 buyers, half of them confirming, for 20 units: released units were resold until gone.
      assert.equal(ledger.paidOrders, units, 'every unit ends up sold');
    }
  });

  it('one unit per person: 20 parallel buys and 20 parallel confirms by one buyer give one hold and one order', async () => {
    engine.config.holdTtlSec = 20; // holds started from here on last 20 s
    const sale = await openSale(engine, 5);
    const email = uniqueEmail('twin');
    const api = engine.as(shopper(email));

    const buys = await Promise.all(Array.from({ length: 20 }, () => api.orders.buy({ flashSaleId: sale.id })));
    assert.ok(buys.every((b) => b.status === 'queued' || b.status === 'held'));
    const positions = new Set(buys.filter((b) => b.status === 'queued').map((b) => b.position));
    assert.ok(positions.size <= 1, 'one place in the queue');

    const ledgerHeld = await (async () => {
      for (let i = 0; i < 200; i++) {
        const l = await saleLedger(engine, sale.id);
        if (l.holdsLive === 1) return l;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('no hold');
    })();
    assert.equal(ledgerHeld.redisStock, 4, 'one unit held, not more');

    const confirms = await Promise.allSettled(Array.from({ length: 20 }, () => api.orders.confirm({ flashSaleId: sale.id })));
    const ok = confirms.filter((c) => c.status === 'fulfilled').map((c) => (c as PromiseFulfilledResult<{ id: string }>).value);
    assert.equal(
      ok.length,
      20,
      `all confirms answer with the order: ${confirms
        .filter((c) => c.status === 'rejected')
        .map((c) => String(c.reason))
        .join(', ')}`,
    );
    assert.equal(new Set(ok.map((o) => o.id)).size, 1, 'the same order every time');

    const ledger = await saleLedger(engine, sale.id);
    assert.equal(ledger.paidOrders, 1);
    assert.equal(ledger.mongoQuantity, 4);
    assert.equal(await Order.countDocuments({ flashSaleId: sale.id, userEmail: email }), 1);

    // And buying again is refused, 20 times over.
    const rebuys = await Promise.allSettled(Array.from({ length: 20 }, () => api.orders.buy({ flashSaleId: sale.id })));
    assert.ok(rebuys.every((r) => r.status === 'rejected' && /already bought/.test(String(r.reason))));
  });
});
