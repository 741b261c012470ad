/**
 * What `npm run bench` counts, against the real servers: MongoDB operations through its wire
 * relay (with the driver's replica-set discovery kept on the relay), Redis's commandstats between
 * two reads (commands inside a Lua script included), Temporal actions per buyer from the histories
 * of real hold workflows; and issue 8's targets judged from a run's figures.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { env } from '@/env';
import { countsDelta, startMongoWireCounter } from '../scripts/bench/mongo-wire';
import { freePort } from '../scripts/bench/private-services';
import { readRedisStats, redisStatsDelta } from '../scripts/bench/redis-stats';
import type { BenchReport } from '../scripts/bench/report';
import { parseOptions } from '../scripts/bench/options';
import { checkTargets } from '../scripts/bench/targets';
import { saleActions, waitForHoldsToClose, type ActionCounts } from '../scripts/bench/temporal-actions';
import { admin, openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { startPrivateRedis } from './support/redis-server';

describe('bench figures', () => {
  it('counts MongoDB commands through the relay; the driver discovers the relay, not the server behind it', async () => {
    const counter = await startMongoWireCounter(env.MONGODB_URI);
    assert.match(counter.uri, /replicaSet=rs0/, 'the app keeps its replica-set URI');
    const conn = await mongoose
      .createConnection(counter.uri, { dbName: `test_${randomUUID().slice(0, 8)}`, autoCreate: false, serverMonitoringMode: 'poll' })
      .asPromise();
    try {
      const before = counter.counts();
      const coll = conn.collection('relay_probe');
      for (let i = 0; i < 3; i++) await coll.insertOne({ i });
      assert.equal((await coll.find({}).toArray()).length, 3, 'the three documents read back through the relay');
      await coll.findOne({ i: 1 });
      await coll.updateOne({ i: 2 }, { $set: { seen: true } });
      const d = countsDelta(before, counter.counts());
      assert.deepEqual(
        { insert: d.insert, find: d.find, update: d.update },
        { insert: 3, find: 2, update: 1 },
        `counted ${JSON.stringify(d)}`,
      );
      const handshakes = (counter.counts().hello ?? 0) + (counter.counts().ismaster ?? 0);
      assert.ok(handshakes > 0, `the driver's handshake went through the relay too (${handshakes})`);
    } finally {
      await conn.close();
      await counter.close();
    }
  });

  it("reads Redis's commandstats and CPU; a script's inner commands count beside the script call", async () => {
    const redisServer = await startPrivateRedis(await freePort());
    const redis = new Redis(redisServer.url);
    try {
      const key = `bench-test:${randomUUID()}`;
      const before = await readRedisStats(redis);
      for (let i = 0; i < 5; i++) await redis.set(key, String(i));
      await redis.eval("redis.call('INCR', KEYS[1]); redis.call('INCR', KEYS[1]); return 1", 1, key);
      const d = redisStatsDelta(before, await readRedisStats(redis));
      assert.equal(d.commands.set?.calls, 5, `SET x5 (${JSON.stringify(d.commands)})`);
      assert.equal(d.commands.eval?.calls, 1, 'one script call');
      assert.equal(d.commands.incr?.calls, 2, "the script's two INCRs");
      assert.ok(d.cpuSec >= 0, `CPU seconds never go backwards (${d.cpuSec})`);
      assert.equal(await redis.get(key), '6', 'the commands ran');
    } finally {
      redis.disconnect();
      await redisServer.stop();
    }
  });

  it('--k6-nice: 0 by default, 0-19 taken, anything else refused by name', () => {
    assert.equal(parseOptions([]).k6Nice, 0);
    assert.equal(parseOptions(['--k6-nice=10']).k6Nice, 10);
    assert.throws(() => parseOptions(['--k6-nice=20']), /--k6-nice must be a whole number from 0 to 19/);
    assert.throws(() => parseOptions(['--k6-nice=-1']), /--k6-nice must be a whole number >= 0/);
  });

  it('judges issue 8 targets from a run: unmeasured latencies and any overtake fail', () => {
    const lat = (p: number) => ({ count: 1, avg: p, p50: p, p95: p, p99: p, max: p });
    const good = {
      failedRequests: 0,
      confirmFailures: 0,
      paidOrders: 10,
      stock: 10,
      paidEqualsStock: true,
      oversell: 0,
      overtakes: 0,
      overtaken: 0,
      confirmMs: { client: lat(400), server: { count: 1, p50: 100, p95: 250, p99: 290 } },
      buyMs: { client: lat(200), server: { count: 1, p50: 50, p95: 120, p99: 200 } },
      buyToPaidMs: lat(900),
    } as unknown as BenchReport['results'];
    assert.deepEqual(
      checkTargets(good).filter((t) => !t.met),
      [],
      'every target met',
    );
    const bad = {
      ...good,
      overtakes: 2,
      overtaken: 1,
      confirmMs: { ...good.confirmMs, server: { count: 0, p50: NaN, p95: NaN, p99: NaN } },
    };
    assert.deepEqual(
      checkTargets(bad)
        .filter((t) => !t.met)
        .map((t) => t.target),
      ['0 overtakes', 'confirm p95 <= 300 ms, server side'],
    );
  });

  describe('Temporal actions per buyer, from real hold workflows', () => {
    let engine: Engine;
    before(async () => {
      engine = await startEngine({ holdTtlSec: 60, queueRecheckSec: 1 });
    });
    after(async () => {
      await engine.stop();
    });

    it('two buyers pay, three queue behind them and leave without a unit: each group counted from its histories', async () => {
      const sale = await openSale(engine, 2);
      const payers = [uniqueEmail('payer'), uniqueEmail('payer')];
      const waiters = [uniqueEmail('waiter'), uniqueEmail('waiter'), uniqueEmail('waiter')];
      for (const email of payers)
        assert.equal((await engine.as(shopper(email)).orders.buy({ flashSaleId: sale.id })).status, 'held', `${email} holds`);
      // Both units are held, not sold: the next buyers queue.
      for (const email of waiters)
        assert.equal((await engine.as(shopper(email)).orders.buy({ flashSaleId: sale.id })).status, 'queued', `${email} queues`);
      for (const email of payers) await engine.as(shopper(email)).orders.confirm({ flashSaleId: sale.id });
      await engine.deps.background.drained();
      await engine.as(admin).sales.update({ id: sale.id, endsAt: new Date(Date.now() + 500) });

      const client = await engine.deps.temporal();
      await waitFor(async () => (await waitForHoldsToClose(client, sale.id, 0)) === 0, 30_000, 'every hold workflow closed');
      const paid = new Set(payers);
      const a = await saleActions(client, sale.id, (email) => (paid.has(email) ? 'paid' : 'never got a unit'));

      assert.equal(a.buyers, 5, 'one hold workflow per buyer');
      assert.equal(a.stillRunning, 0, 'all closed');
      assert.equal(a.groups.paid?.buyers, 2, 'two paid');
      assert.equal(a.groups['never got a unit']?.buyers, 3, 'three never got a unit');
      const sumOfParts = (c: ActionCounts) => c.starts + c.signals + c.updates + c.activities + c.localActivities + c.timers + c.upserts;
      for (const [name, g] of Object.entries(a.groups)) {
        assert.ok(g.perBuyer.starts >= 1, `${name}: every buyer's workflow was started (${g.perBuyer.starts})`);
        assert.ok(g.perBuyer.localActivities >= 1, `${name}: each took at least one step (${g.perBuyer.localActivities})`);
        assert.ok(g.perBuyer.workflowTasks >= 1, `${name}: workflow tasks counted (${g.perBuyer.workflowTasks})`);
        assert.equal(g.total.actions, sumOfParts(g.total), `${name}: actions are the sum of the billed kinds`);
      }
      assert.ok(a.groups.paid.perBuyer.signals >= 1, `a payer's workflow is signalled confirmed (${a.groups.paid.perBuyer.signals})`);
      assert.ok(a.groups.paid.perBuyer.actions > a.groups['never got a unit'].perBuyer.actions, 'paying costs more than leaving');
      assert.deepEqual(
        a.allBuyers.total.actions,
        a.groups.paid.total.actions + a.groups['never got a unit'].total.actions,
        'groups add up',
      );
      assert.ok(
        a.saleWorkflow.starts >= 1 && a.saleWorkflow.activities >= 2,
        `the sale workflow: started, synced and closed (${JSON.stringify(a.saleWorkflow)})`,
      );
      console.log(
        `actions per buyer: paid ${a.groups.paid.perBuyer.actions}, never got a unit ${a.groups['never got a unit'].perBuyer.actions}; sale workflow ${a.saleWorkflow.actions}`,
      );
    });
  });
});
