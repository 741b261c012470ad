/**
 * The waiting room on the real engine (Redis, MongoDB, Temporal with an in-process worker): buyers
 * who come before the start of a sale with a preQueue wait in it, and at the opening they are placed
 * ahead of everyone later, by lot (random) or by arrival (fifo); a crowd at the opening instant
 * opens it once; their hold workflows follow the place they were given, so a Redis loss keeps the
 * room (before the opening) or the drawn order (after it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ArrivalSeqAttr } from '@/engine/contract';
import { fairnessReport } from '@/engine/fairness';
import { allSaleKeys, saleKeys } from '@/engine/keys';
import { restoreSale } from '@/engine/projection';
import { createSale } from '@/server/sales/sales.service';
import { TRPCError } from '@trpc/server';
import { admin, shopper, startEngine, waitFor, type Engine } from './support/engine';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('engine: the waiting room', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine({ saleTickSec: 1 });
  });
  after(() => engine.stop());

  async function roomSale(preQueue: 'random' | 'fifo', quantity: number, startsInMs: number) {
    const now = Date.now();
    return createSale(engine.deps, {
      name: `Room ${preQueue} ${randomUUID().slice(0, 6)}`,
      description: 'waiting room test',
      startingQuantity: quantity,
      pricePerUnit: 10,
      startsAt: new Date(now + startsInMs),
      endsAt: new Date(now + 10 * 60_000),
      preQueue,
    });
  }

  /** Buyers entering the room one after the other (tickets in this order). */
  async function enter(saleId: string, n: number, tag: string) {
    const emails = Array.from({ length: n }, (_, i) => `${tag}${i}-${randomUUID().slice(0, 6)}@example.com`);
    for (const email of emails) {
      const r = await engine.as(shopper(email)).orders.buy({ flashSaleId: saleId });
      assert.equal(r.status, 'waiting', `${email} waits in the room`);
    }
    return emails;
  }

  /** Everyone placed in the sale, by arrival number: queued buyers and holders (from the grant log). */
  async function byArrival(saleId: string) {
    const k = saleKeys(saleId);
    const flat = await engine.deps.redis.zrange(k.queue, 0, -1, 'WITHSCORES');
    const rows = new Map<string, number>();
    for (let i = 0; i < flat.length; i += 2) rows.set(flat[i]!, Number(flat[i + 1]));
    for (const g of (await fairnessReport(engine.deps, saleId)).grants) rows.set(g.email, g.arrival);
    return [...rows].map(([email, arrival]) => ({ email, arrival })).sort((a, b) => a.arrival - b.arrival);
  }

  /** ArrivalSeq of each buyer's hold workflow, as Temporal's visibility lists them. */
  async function arrivalSeqs(saleId: string) {
    const client = await engine.deps.temporal();
    const seqs = new Map<string, number>();
    for await (const wf of client.workflow.list({
      query: `WorkflowType = 'holdWorkflow' AND SaleId = '${saleId}' AND ExecutionStatus = 'Running'`,
    })) {
      const email = String(wf.searchAttributes?.BuyerEmail?.[0] ?? '');
      const seq = wf.typedSearchAttributes.get(ArrivalSeqAttr);
      if (email && seq !== undefined) seqs.set(email, seq);
    }
    return seqs;
  }

  it('random: 300 buys at the opening instant open the room once; its 50 buyers are placed in a drawn order, the crowd behind them in arrival order; 0 overtakes', async () => {
    const sale = await roomSale('random', 5, 6_000);
    const room = await enter(sale.id, 50, 'r');
    const startsAt = sale.startsAt.getTime();
    assert.ok(Date.now() < startsAt - 200, 'the room filled before the start');
    await sleep(startsAt - Date.now());
    // The crowd fires the moment the sale opens, racing the sale workflow's tick and the room's own workflows.
    const crowd = Array.from({ length: 300 }, (_, i) => `c${i}-${randomUUID().slice(0, 6)}@example.com`);
    const replies = await Promise.all(crowd.map((email) => engine.as(shopper(email)).orders.buy({ flashSaleId: sale.id })));
    assert.ok(
      replies.every((r) => r.status === 'queued'),
      'nobody in the crowd is ahead of the room (5 units, 50 in the room)',
    );

    const k = saleKeys(sale.id);
    const meta = await engine.deps.redis.hgetall(k.meta);
    assert.equal(meta.roomSize, '50', 'opened once: a second opening would have found the room empty');
    assert.equal(meta.roomMode, 'random');
    assert.ok(Number(meta.openedAt) >= startsAt, 'not before the start');

    const rows = await byArrival(sale.id);
    assert.equal(rows.length, 350, 'everyone is in the sale exactly once');
    const placed = rows.slice(0, 50);
    assert.deepEqual(
      placed.map((r) => r.arrival),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'the room holds places 1..50',
    );
    assert.deepEqual(placed.map((r) => r.email).sort(), [...room].sort(), 'a permutation of the room');
    assert.notDeepEqual(
      placed.map((r) => r.email),
      room,
      'not their arrival order (chance 1 in 50!)',
    );
    const later = rows.slice(50);
    assert.ok(
      later.every((r) => r.arrival > 50),
      'the crowd comes after the whole room',
    );
    assert.deepEqual(
      later.map((r) => r.email),
      crowd
        .map((email, i) => ({ email, arrival: replies[i]!.position }))
        .sort((a, b) => a.arrival - b.arrival)
        .map((r) => r.email),
      'and in the order it arrived',
    );

    // The units go to the first places drawn; the fairness report says how the room was placed.
    await waitFor(async () => (await fairnessReport(engine.deps, sale.id)).grants.length === 5, 20_000, '5 grants');
    const report = await fairnessReport(engine.deps, sale.id);
    assert.deepEqual(
      report.grants.map((g) => g.email).sort(),
      placed
        .slice(0, 5)
        .map((r) => r.email)
        .sort(),
    );
    assert.deepEqual(
      { mode: report.waitingRoom.mode, size: report.waitingRoom.size, preQueue: report.waitingRoom.preQueue },
      { mode: 'random', size: 50, preQueue: 'random' },
    );
    assert.equal(report.overtakes, 0);
    const overview = await engine.as({ email: 'admin@example.com', role: 'admin' }).queue.overview({ flashSaleId: sale.id });
    assert.equal(overview.fairness.waitingRoom.mode, 'random');

    // Each room buyer's workflow woke at the start and now keeps its drawn place as ArrivalSeq.
    const place = new Map(placed.map((r) => [r.email, r.arrival]));
    await waitFor(
      async () => {
        const seqs = await arrivalSeqs(sale.id);
        return room.every((e) => seqs.get(e) === place.get(e));
      },
      30_000,
      'ArrivalSeq of every room buyer = their place',
    );
  });

  it('admin: preQueue is set at creation and changed before the start (400 naming it when wrong, locked once started)', async () => {
    const api = engine.as(admin);
    const hour = 3_600_000;
    const base = {
      name: 'Room admin',
      description: '',
      startingQuantity: 3,
      pricePerUnit: 5,
      startsAt: new Date(Date.now() + hour),
      endsAt: new Date(Date.now() + 2 * hour),
    };
    const bad = await api.sales.create({ ...base, preQueue: 'lottery' as 'random' }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    assert.equal(bad?.code, 'BAD_REQUEST');
    assert.match(bad.message, /preQueue/);
    const sale = await api.sales.create({ ...base, preQueue: 'fifo' });
    assert.equal(sale.preQueue, 'fifo');
    assert.equal(await engine.deps.redis.hget(saleKeys(sale.id).meta, 'preQueue'), 'fifo', 'projected to the scripts');
    assert.equal((await api.sales.update({ id: sale.id, preQueue: 'random' })).preQueue, 'random');
    assert.equal((await api.sales.update({ id: sale.id, preQueue: null })).preQueue, null);
    assert.equal(await engine.deps.redis.hget(saleKeys(sale.id).meta, 'preQueue'), '');
    const started = await roomSale('random', 2, -1_000);
    const locked = await api.sales.update({ id: started.id, preQueue: 'fifo' }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    assert.equal(locked?.code, 'CONFLICT');
    assert.match(locked.message, /preQueue cannot change once the sale has started/);
    assert.equal((await api.sales.public({ flashSaleId: started.id })).item.preQueue, 'random', 'unchanged');
  });

  it('fifo: the room is placed in arrival order at the opening, ahead of later buyers', async () => {
    const sale = await roomSale('fifo', 2, 3_000);
    const room = await enter(sale.id, 12, 'f');
    await sleep(sale.startsAt.getTime() - Date.now() + 50);
    const late = await engine.as(shopper(`late-${randomUUID().slice(0, 6)}@example.com`)).orders.buy({ flashSaleId: sale.id });
    assert.equal(late.status, 'queued');
    const rows = await byArrival(sale.id);
    assert.deepEqual(
      rows.slice(0, 12).map((r) => r.email),
      room,
      'arrival order',
    );
    assert.equal(rows.length, 13);
    assert.equal(rows[12]!.arrival, 13);
    assert.equal((await fairnessReport(engine.deps, sale.id)).waitingRoom.mode, 'fifo');
  });

  it('Redis loses the sale before the opening: the rebuild puts the room back as it was, and it still opens once at the start', async () => {
    const sale = await roomSale('random', 3, 12_000);
    const room = await enter(sale.id, 10, 'w');
    const k = saleKeys(sale.id);
    const before = await engine.deps.redis.zrange(k.waiting, 0, -1, 'WITHSCORES');
    // The rebuild reads the room from the hold workflows: wait until Temporal lists them all.
    await waitFor(
      async () => {
        const seqs = await arrivalSeqs(sale.id);
        return room.every((e) => (seqs.get(e) ?? 0) < 0);
      },
      20_000,
      'every waiting workflow listed with its ticket (ArrivalSeq < 0)',
    );
    await engine.deps.redis.del(...allSaleKeys(k));
    const report = await restoreSale(engine.deps, sale.id);
    assert.equal(report?.waiting, 10);
    assert.equal(report?.queued, 0);
    assert.deepEqual(await engine.deps.redis.zrange(k.waiting, 0, -1, 'WITHSCORES'), before, 'the same room, the same tickets');
    assert.equal(await engine.deps.redis.hexists(k.meta, 'openedAt'), 0, 'not opened');
    assert.equal(await engine.deps.redis.hget(k.meta, 'preQueue'), 'random');

    await waitFor(async () => (await engine.deps.redis.hget(k.meta, 'roomSize')) === '10', 30_000, 'the room opened at the start');
    const placed = (await byArrival(sale.id)).map((r) => r.email);
    assert.deepEqual([...placed].sort(), [...room].sort());
  });

  it('Redis loses the sale after the opening: the rebuild restores the drawn order from the workflows', async () => {
    const sale = await roomSale('random', 1, 3_000);
    await enter(sale.id, 12, 'a');
    const k = saleKeys(sale.id);
    await waitFor(async () => (await engine.deps.redis.hget(k.meta, 'roomSize')) === '12', 20_000, 'opened');
    await waitFor(async () => (await engine.deps.redis.hlen(k.holds)) === 1, 20_000, 'the one unit granted to place 1');
    const holder = Object.keys(await engine.deps.redis.hgetall(k.holds))[0]!;
    const queued = async () => engine.deps.redis.zrange(k.queue, 0, -1, 'WITHSCORES');
    const drawn = await queued();
    const place = new Map<string, number>();
    for (let i = 0; i < drawn.length; i += 2) place.set(drawn[i]!, Number(drawn[i + 1]));
    await waitFor(
      async () => {
        const seqs = await arrivalSeqs(sale.id);
        return drawn.length === 22 && [...place].every(([e, p]) => seqs.get(e) === p);
      },
      30_000,
      'every queued workflow keeps its drawn place',
    );
    await engine.deps.redis.del(...allSaleKeys(k));
    const report = await restoreSale(engine.deps, sale.id);
    assert.equal(report?.waiting, 0);
    assert.deepEqual(await queued(), drawn, 'the same drawn order');
    assert.ok(await engine.deps.redis.hexists(k.holds, holder), 'and the holder of place 1 still holds');
    assert.ok(await engine.deps.redis.hexists(k.meta, 'openedAt'), 'it stays opened: no second draw');
  });
});
