/**
 * Redis loses everything in the middle of a sale (FLUSHALL; a restart without persistence) while
 * hundreds of buyers buy, pay, cancel and walk away. Each sale is rebuilt from MongoDB and Temporal
 * before anything is granted again (503 with Retry-After meanwhile), and at the end the invariants
 * hold, read from MongoDB and Redis: 0 oversold, 0 lost, 0 duplicates, reconciliation balanced,
 * 0 overtakes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Order } from '@models/index';
import { countOvertakes, parseGrant, parseLeft } from '@/engine/fairness';
import { saleKeys } from '@/engine/keys';
import { metrics } from '@/engine/metrics';
import { admin, openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { runBuyer, saleLedger, type Behaviour } from './support/crowd';
import { startPrivateRedis, type PrivateRedis } from './support/redis-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const restores = async () => (await metrics().appMetrics.restores.get()).values[0]?.value ?? 0;

describe('chaos: Redis loses everything mid-sale', () => {
  let redis: PrivateRedis;
  let engine: Engine;
  before(async () => {
    redis = await startPrivateRedis(6391);
    engine = await startEngine({ holdTtlSec: 8, holdGraceSec: 3, queueRecheckSec: 2, saleTickSec: 1 }, { redisUrl: redis.url });
  });
  after(async () => {
    await engine.stop();
    await redis.stop();
  });

  for (const loss of ['FLUSHALL', 'restart empty'] as const) {
    it(`${loss}: the sale is rebuilt before any grant, and every invariant holds`, async () => {
      const units = 60;
      const sale = await openSale(engine, units);
      const k = saleKeys(sale.id);
      const restoresBefore = await restores();
      const behaviours: Behaviour[] = ['confirm', 'confirm', 'confirm', 'cancel', 'abandon'];
      // 300 buyers arrive over 3 s, each confirming, cancelling or walking away once held.
      const crowd = Array.from({ length: 300 }, (_, i) =>
        sleep(i * 10).then(() =>
          runBuyer(engine, sale.id, uniqueEmail(`chaos${i}`), behaviours[i % behaviours.length]!, { patient: true, pollMs: 200 }),
        ),
      );

      // Mid-sale: once units have been granted and some paid for, Redis loses everything. The
      // fairness logs are read just before (Redis alone kept them); the rebuild starts new ones.
      await waitFor(async () => (await Order.countDocuments({ flashSaleId: sale.id })) >= 10, 60_000, '10 paid orders');
      const [grantsBefore, leftBefore] = await Promise.all([
        engine.deps.redis.lrange(k.grants, 0, -1),
        engine.deps.redis.lrange(k.left, 0, -1),
      ]);
      if (loss === 'FLUSHALL') await engine.deps.redis.flushall();
      else {
        await redis.kill();
        await sleep(1_000); // Redis is down: requests meanwhile are 503s
        await redis.restart();
      }
      const lostAt = Date.now();

      const results = await Promise.all(crowd);
      await waitFor(async () => (await saleLedger(engine, sale.id)).holdsLive === 0, 60_000, 'every hold settled');
      await engine.as(admin).sales.update({ id: sale.id, endsAt: new Date(Date.now() + 100) });
      await waitFor(async () => (await engine.deps.scripts.snapshot(sale.id)).queueSize === 0, 30_000, 'the queue closed');

      const [grantsAfter, leftAfter] = await Promise.all([
        engine.deps.redis.lrange(k.grants, 0, -1),
        engine.deps.redis.lrange(k.left, 0, -1),
      ]);
      const fairness = countOvertakes([...grantsBefore, ...grantsAfter].map(parseGrant), [...leftBefore, ...leftAfter].map(parseLeft));
      const ledger = await saleLedger(engine, sale.id);
      const orders = await Order.find({ flashSaleId: sale.id }).lean();
      const count = (o: string) => results.filter((r) => r.outcome === o).length;
      const sum = (f: (r: (typeof results)[number]) => number | undefined) => results.reduce((a, r) => a + (f(r) ?? 0), 0);
      console.log(
        `  ${loss} ${Date.now() - lostAt} ms before the end; restores ${(await restores()) - restoresBefore}; 503s met ${sum((r) => r.unavailable)}, ` +
          `bought again ${sum((r) => r.rebought)}; purchased ${count('purchased')}, cancelled ${count('cancelled')}, abandoned ${count('abandoned')}, ` +
          `sold out ${count('sold_out')}, closed ${count('closed')}; overtakes ${fairness.overtakes}; ledger ${JSON.stringify(ledger)}`,
      );

      assert.deepEqual(
        results.filter((r) => r.outcome === 'refused'),
        [],
        'every buyer got an answer they could act on',
      );
      assert.ok((await restores()) > restoresBefore, 'the sale was rebuilt from MongoDB and Temporal');
      assert.ok(ledger.paidOrders <= units, '0 oversold');
      assert.equal(ledger.paidOrders, count('purchased'), 'every buyer told "paid" has an order');
      assert.equal(new Set(orders.map((o) => o.userEmail)).size, orders.length, '0 duplicates');
      assert.equal(ledger.mongoSold, ledger.paidOrders, 'one decrement per order');
      assert.equal(ledger.redisPaid, ledger.paidOrders, 'Redis and MongoDB agree on who paid');
      assert.equal(ledger.redisPaid + ledger.redisStock + ledger.holdsLive, units, '0 lost: paid + stock + holds == starting');
      assert.equal(fairness.overtakes, 0, '0 overtakes across the loss');
    });
  }
});
