/**
 * The Temporal server dies in the middle of a sale (SIGKILL) and is restarted on the same data,
 * while a crowd of buyers buys, pays, cancels and walks away: the dev server on its SQLite file,
 * and the production-shaped server on PostgreSQL. Confirms do not need Temporal, so they go on
 * during the outage; no hold, timer or confirm is lost; and at the end the invariants hold, read
 * from MongoDB and Redis: 0 oversold, 0 lost, 0 duplicates, reconciliation balanced, 0 overtakes.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Order } from '@models/index';
import { holdWorkflowId } from '@/engine/contract';
import { fairnessReport } from '@/engine/fairness';
import { freePortBlock, privateServerPortCount, startPrivateTemporal, type PrivateTemporal } from '../scripts/lib/temporal-private';
import type { TemporalKind } from '../scripts/lib/types';
import { admin, openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { runBuyer, saleLedger, type Behaviour } from './support/crowd';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('chaos: the Temporal server is SIGKILLed mid-sale and restarted', () => {
  for (const kind of ['dev', 'postgres'] as const satisfies readonly TemporalKind[]) {
    describe(kind, () => {
      let server: PrivateTemporal | undefined;
      let engine: Engine | undefined;
      after(async () => {
        await engine?.stop();
        await server?.destroy();
      });

      it('no hold, timer or confirm is lost, and every invariant holds', async () => {
        server = await startPrivateTemporal({ kind, port: await freePortBlock(privateServerPortCount(kind)) });
        engine = await startEngine(
          { holdTtlSec: 6, holdGraceSec: 3, queueRecheckSec: 2, saleTickSec: 1 },
          { temporalAddress: server.address },
        );
        const e = engine;
        const units = 40;
        const sale = await openSale(e, units);
        const behaviours: Behaviour[] = ['confirm', 'confirm', 'cancel', 'abandon'];
        const crowd = Array.from({ length: 200 }, (_, i) =>
          sleep(i * 10).then(() =>
            runBuyer(e, sale.id, uniqueEmail(`tchaos${i}`), behaviours[i % behaviours.length]!, {
              patient: true,
              pollMs: 200,
              thinkMs: 4_000,
            }),
          ),
        );

        // Holders take up to 4 s to pay: the kill lands while many still have to.
        await waitFor(async () => (await Order.countDocuments({ flashSaleId: sale.id })) >= 1, 60_000, 'the first paid order');
        await server.kill();
        const killedAt = Date.now();
        const paidAtKill = await Order.countDocuments({ flashSaleId: sale.id });
        await sleep(4_000); // holds' timers come due meanwhile; nobody can fire them until the restart
        const paidDuringOutage = (await Order.countDocuments({ flashSaleId: sale.id })) - paidAtKill;
        await server.restart();
        const downMs = Date.now() - killedAt;

        const results = await Promise.all(crowd);
        await waitFor(async () => (await saleLedger(e, sale.id)).holdsLive === 0, 60_000, 'every hold settled');
        await e.as(admin).sales.update({ id: sale.id, endsAt: new Date(Date.now() + 100) });
        await waitFor(async () => (await e.deps.scripts.snapshot(sale.id)).queueSize === 0, 30_000, 'the queue closed');

        const ledger = await saleLedger(e, sale.id);
        const orders = await Order.find({ flashSaleId: sale.id }).lean();
        const fairness = await fairnessReport(e.deps, sale.id);
        const count = (o: string) => results.filter((r) => r.outcome === o).length;
        const released = fairness.grants.length - ledger.paidOrders; // every grant not paid for went back
        console.log(
          `  ${kind}: server down ${downMs} ms; paid during the outage ${paidDuringOutage}; purchased ${count('purchased')}, ` +
            `cancelled ${count('cancelled')}, abandoned ${count('abandoned')}, sold out ${count('sold_out')}; grants ${fairness.grants.length} ` +
            `(${released} released and granted on); overtakes ${fairness.overtakes}; ledger ${JSON.stringify(ledger)}`,
        );

        assert.deepEqual(
          results.filter((r) => r.outcome === 'refused'),
          [],
          'every buyer got an answer they could act on',
        );
        assert.ok(paidDuringOutage > 0, 'confirms went on while Temporal was down');
        assert.ok(count('abandoned') > 0 && released >= count('abandoned'), "every walked-away hold's timer fired and its unit went back");
        assert.equal(ledger.paidOrders, units, 'every unit sold in the end: none lost in a hold');
        assert.equal(ledger.paidOrders, count('purchased'), 'every buyer told "paid" has an order');
        assert.equal(new Set(orders.map((o) => o.userEmail)).size, orders.length, '0 duplicates');
        assert.equal(ledger.mongoSold, ledger.paidOrders, 'one decrement per order');
        assert.equal(ledger.redisPaid + ledger.redisStock + ledger.holdsLive, units, 'reconciliation balanced');
        assert.equal(fairness.overtakes, 0, '0 overtakes');
        // The paid buyers' hold workflows ended as confirmed (their signal may have waited out the outage).
        const client = await e.deps.temporal();
        const sample = orders.slice(0, 5).map((o) => client.workflow.getHandle(holdWorkflowId(sale.id, o.userEmail)).result());
        assert.deepEqual(
          await Promise.all(sample),
          sample.map(() => 'confirmed'),
        );
      });
    });
  }
});
