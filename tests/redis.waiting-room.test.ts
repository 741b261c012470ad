/**
 * The waiting room in the Lua scripts, on its own against real Redis (node-redlock's style, as
 * tests/redis.scripts.test.ts): buyers who come before the start wait in the room, and the first
 * event after the start opens it exactly once, placing them by lot (random) or by arrival (fifo)
 * ahead of everyone who comes later. No Temporal, no MongoDB.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { env } from '@/env';
import { parseGrant, parseLeft } from '@/engine/fairness';
import { allSaleKeys, saleKeys } from '@/engine/keys';
import { createScriptedRedis, saleScripts, type ScriptedRedis } from '@/engine/scripts';

const settings = { holdTtlMs: 60_000, graceMs: 5_000, fastPassPercent: 0, leaseMs: 2_000, recheckMs: 30_000 };
const emails = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);

describe('Lua scripts: the waiting room', () => {
  let redis: ScriptedRedis;
  let scripts: ReturnType<typeof saleScripts>;
  const used: string[] = [];

  before(() => {
    redis = createScriptedRedis(env.REDIS_URL);
    scripts = saleScripts(redis);
  });
  after(async () => {
    for (const id of used) await redis.del(...allSaleKeys(saleKeys(id)), ...(await redis.keys(`fsh:{${id}}:*`)));
    redis.disconnect();
  });

  /** A sale that exists only in Redis, starting in an hour until `start` moves its start to now. */
  async function sale(o: { stock: number; preQueue?: 'random' | 'fifo' }) {
    const id = `t-${randomUUID()}`;
    used.push(id);
    const k = saleKeys(id);
    const now = Date.now();
    await redis.hset(k.meta, {
      startsAt: now + 3_600_000,
      endsAt: now + 7_200_000,
      initial: o.stock,
      price: 10,
      name: 't',
      preQueue: o.preQueue ?? '',
    });
    await redis.set(k.stock, o.stock);
    return { id, k, start: () => redis.hset(k.meta, 'startsAt', Date.now() - 1) };
  }

  /** Buyers who enter the room one after the other (so their tickets follow this order). */
  async function enterRoom(id: string, buyers: string[]) {
    for (const [i, e] of buyers.entries()) {
      const r = await scripts.buy(id, e, settings);
      assert.equal(r.status, 'waiting', `${e} waits`);
      assert.ok(r.joinedNow && !r.grantedNow, `${e} joined the room, nothing granted`);
      assert.equal(r.arrival, i + 1, `${e}'s ticket`);
      assert.equal(r.view!.roomPlace, i + 1);
    }
  }

  /** Everyone in the sale by arrival number: the queue and the holders (a grant leaves the queue). */
  async function byArrival(id: string) {
    const k = saleKeys(id);
    const queued = await redis.zrange(k.queue, 0, -1, 'WITHSCORES');
    const rows: { email: string; arrival: number }[] = [];
    for (let i = 0; i < queued.length; i += 2) rows.push({ email: queued[i]!, arrival: Number(queued[i + 1]) });
    for (const g of (await redis.lrange(k.grants, 0, -1)).map(parseGrant)) rows.push({ email: g.email, arrival: g.arrival });
    return rows.sort((a, b) => a.arrival - b.arrival);
  }

  it('before the start: a buy enters the room (idempotent), a step sleeps to the start, a claim and a cancel see it', async () => {
    const { id, k } = await sale({ stock: 5, preQueue: 'fifo' });
    const replies = await Promise.all(Array.from({ length: 20 }, () => scripts.buy(id, 'w@x.io', settings)));
    assert.equal(replies.filter((r) => r.joinedNow).length, 1, 'one join');
    assert.ok(
      replies.every((r) => r.status === 'waiting' && r.arrival === 1),
      JSON.stringify(replies[0]),
    );
    await scripts.buy(id, 'v@x.io', settings);
    assert.equal(await redis.zcard(k.waiting), 2);
    assert.equal(await redis.zcard(k.queue), 0, 'nobody in the queue before the opening');
    assert.equal(await redis.get(k.stock), '5', 'nothing granted');
    const startsAt = Number(await redis.hget(k.meta, 'startsAt'));
    assert.deepEqual(await scripts.step(id, 'v@x.io', 'check', settings), { kind: 'waiting', place: 2, wakeAtMs: startsAt, ticket: 2 });
    assert.equal((await scripts.claim(id, 'v@x.io', 1000)).status, 'queued', 'nothing to confirm yet');
    const snap = await scripts.snapshot(id, 'v@x.io');
    assert.equal(snap.roomPlace, 2);
    assert.equal(snap.roomSize, 2);
    assert.equal(snap.position, 0);
    assert.equal(await redis.hexists(k.meta, 'openedAt'), 0, 'a read opens nothing');
    assert.deepEqual(await scripts.step(id, 'w@x.io', 'cancel', settings), { kind: 'done', outcome: 'cancelled' });
    assert.equal(await redis.hget(k.outcome, 'w@x.io'), 'cancelled');
    assert.equal(await redis.zcard(k.waiting), 1);
    assert.equal(await redis.llen(k.left), 0, 'leaving by choice is not a departure the fairness report counts');
  });

  it('without a preQueue a buy before the start is refused and nothing waits', async () => {
    const { id, k } = await sale({ stock: 5 });
    assert.equal((await scripts.buy(id, 'a@x.io', settings)).status, 'not_started');
    assert.equal(await redis.zcard(k.waiting), 0);
  });

  it('random: a crowd of 300 at the opening instant opens the room once; its 50 buyers take places 1..50 in a drawn order, the crowd queues behind in arrival order', async () => {
    const { id, k, start } = await sale({ stock: 10, preQueue: 'random' });
    const room = emails(50, 'room');
    await enterRoom(id, room);
    await start();
    const crowd = emails(250, 'late');
    const t0 = Date.now();
    // The room's own workflow steps race the crowd's buys for the opening.
    const [buys] = await Promise.all([
      Promise.all(crowd.map((e) => scripts.buy(id, e, settings))),
      Promise.all(room.map((e) => scripts.step(id, e, 'check', settings))),
      Promise.all(Array.from({ length: 5 }, () => scripts.promote(id, settings, 3))),
    ]);
    const meta = await redis.hgetall(k.meta);
    assert.equal(meta.roomSize, '50', 'one opening placed the whole room (a second one would have found it empty)');
    assert.equal(meta.roomMode, 'random');
    assert.ok(Number(meta.openedAt) >= t0 - 5 && Number(meta.openedAt) <= Date.now(), `opened at ${meta.openedAt}`);
    assert.equal(await redis.exists(k.waiting), 0, 'the room is empty');

    const rows = await byArrival(id);
    assert.equal(rows.length, 300, 'everyone is in the sale once');
    const placed = rows.slice(0, 50);
    assert.deepEqual(
      placed.map((r) => r.arrival),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'places 1..50',
    );
    const order = placed.map((r) => r.email);
    assert.deepEqual([...order].sort(), [...room].sort(), 'the first 50 places are a permutation of the room');
    assert.notDeepEqual(order, room, 'and not their arrival order (the chance of that is 1/50!)');
    const late = rows.slice(50);
    assert.ok(
      late.every((r) => r.arrival > 50),
      'every later buyer arrives after the whole room',
    );
    const lateByReply = buys.map((b, i) => ({ email: crowd[i]!, arrival: b.arrival! })).sort((a, b) => a.arrival - b.arrival);
    assert.deepEqual(
      late.map((r) => r.email),
      lateByReply.map((r) => r.email),
      'the crowd queues in its arrival order',
    );
    assert.ok(
      buys.every((b) => b.status === 'queued'),
      'the 10 units went to the room, none to the crowd',
    );
    const grants = (await redis.lrange(k.grants, 0, -1)).map(parseGrant);
    assert.equal(grants.length, 10);
    assert.deepEqual(grants.map((g) => g.email).sort(), order.slice(0, 10).sort(), 'granted: the first 10 places drawn');
  });

  it('random: two rooms of the same 30 buyers are drawn in different orders (a fresh seed per opening)', async () => {
    const orders: string[][] = [];
    for (let i = 0; i < 2; i++) {
      const { id, start } = await sale({ stock: 1, preQueue: 'random' });
      await enterRoom(id, emails(30, 'same'));
      await start();
      await scripts.promote(id, settings, 0);
      orders.push((await byArrival(id)).map((r) => r.email));
    }
    assert.notDeepEqual(orders[0], orders[1]);
  });

  it('fifo: the tick (promote) opens the room in arrival order and grants its heads; latecomers follow', async () => {
    const { id, k, start } = await sale({ stock: 3, preQueue: 'fifo' });
    const room = emails(8, 'f');
    await enterRoom(id, room);
    // One leaves before the opening: the places close up, and the ticket counter stays ahead.
    await scripts.step(id, room[2]!, 'cancel', settings);
    await start();
    const granted = await scripts.promote(id, settings, 100);
    assert.deepEqual(
      granted.map((g) => [g.email, g.arrival]),
      [
        [room[0], 1],
        [room[1], 2],
        [room[3], 3],
      ],
    );
    const later = await scripts.buy(id, 'later@x.io', settings);
    assert.equal(later.status, 'queued');
    assert.equal(later.arrival, 9, 'after every ticket');
    const rows = await byArrival(id);
    assert.deepEqual(
      rows.map((r) => r.email),
      [...room.filter((_, i) => i !== 2), 'later@x.io'],
    );
    assert.equal(await redis.hget(k.meta, 'roomMode'), 'fifo');
    assert.equal(await redis.hget(k.meta, 'roomSize'), '7');
  });

  it('close: a room that never opened is placed, then leaves without a unit, logged for the fairness report', async () => {
    const { id, k } = await sale({ stock: 3, preQueue: 'fifo' });
    await enterRoom(id, emails(4, 'c'));
    await redis.hset(k.meta, 'startsAt', Date.now() - 2_000, 'endsAt', Date.now() - 1);
    assert.deepEqual(await scripts.close(id), emails(4, 'c'), 'the buyers who left, in their places');
    assert.equal(await redis.exists(k.waiting), 0);
    assert.deepEqual(
      (await redis.lrange(k.left, 0, -1)).map((l) => [parseLeft(l).arrival, parseLeft(l).outcome]),
      [
        [1, 'closed'],
        [2, 'closed'],
        [3, 'closed'],
        [4, 'closed'],
      ],
    );
  });
});
