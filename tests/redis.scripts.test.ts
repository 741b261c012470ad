/**
 * Every Lua script on its own, against real Redis (node-redlock's style): crowds of concurrent calls
 * with Promise.all on a random sale id (so a random key prefix), asserting the stored values, TTLs
 * and return values. No Temporal, no MongoDB.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { env } from '@/env';
import type { EngineConfig } from '@/engine/config';
import { withLock } from '@/engine/dispatch';
import type { EngineDeps } from '@/engine/deps';
import { parseGrant, parseLeft } from '@/engine/fairness';
import { allSaleKeys, holdKey, saleKeys } from '@/engine/keys';
import { createScriptedRedis, parseHoldEntry, saleScripts, type ScriptedRedis } from '@/engine/scripts';

const settings = { holdTtlMs: 60_000, graceMs: 5_000, fastPassPercent: 10, leaseMs: 2_000, recheckMs: 30_000 };
const emails = (n: number, tag = 'b') => Array.from({ length: n }, (_, i) => `${tag}${i}@example.com`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Lua scripts', () => {
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

  /** A sale that exists only in Redis: its meta and shadow stock. */
  async function sale(o: { stock: number; initial?: number; startsInMs?: number; endsInMs?: number; price?: number }) {
    const id = `t-${randomUUID()}`;
    used.push(id);
    const now = Date.now();
    const k = saleKeys(id);
    await redis.hset(k.meta, {
      startsAt: now + (o.startsInMs ?? -1000),
      endsAt: now + (o.endsInMs ?? 600_000),
      initial: o.initial ?? o.stock,
      price: o.price ?? 10,
      name: 't',
    });
    await redis.set(k.stock, o.stock);
    return { id, k };
  }

  const hold = async (id: string, email: string) => parseHoldEntry((await redis.hget(saleKeys(id).holds, email)) ?? '');

  it('buy: 200 buyers race for 50 units: the first 50 arrivals hold one each, 150 queue in arrival order', async () => {
    const { id, k } = await sale({ stock: 50 });
    const t0 = Date.now();
    const replies = await Promise.all(emails(200).map((e) => scripts.buy(id, e, settings)));
    const held = replies.filter((r) => r.status === 'held');
    assert.equal(held.length, 50);
    assert.ok(
      held.every((r) => r.joinedNow && r.grantedNow),
      'each joined and was granted in the same step',
    );
    assert.equal(replies.filter((r) => r.status === 'queued').length, 150);
    assert.equal(await redis.get(k.stock), '0');
    assert.equal(await redis.hlen(k.holds), 50);
    assert.equal(await redis.zcard(k.queue), 150);
    assert.equal(await redis.get(k.arrivals), '200');
    const grants = (await redis.lrange(k.grants, 0, -1)).map(parseGrant);
    assert.deepEqual(
      grants.map((g) => g.arrival),
      Array.from({ length: 50 }, (_, i) => i + 1),
      'granted in arrival order',
    );
    assert.ok(
      grants.every((g) => g.via === 'buy'),
      'granted at the buy',
    );
    // Fast Pass threshold: ceil(50 * 10%) = 5, so the last 5 units went to the queue head only.
    assert.deepEqual(
      grants.map((g) => g.mode),
      [...Array<string>(45).fill('normal'), ...Array<string>(5).fill('fastpass')],
    );
    const first = grants[0]!;
    const h = (await hold(id, first.email))!;
    assert.equal(h.state, 'held');
    assert.equal(h.token, first.token);
    assert.ok(
      h.expiresAtMs >= t0 + settings.holdTtlMs && h.expiresAtMs <= Date.now() + settings.holdTtlMs,
      `deadline ${h.expiresAtMs - t0} ms after the start`,
    );
    // The per-buyer hold key lives to the hold's end plus the grace period (a backstop, not the timer).
    const left = h.expiresAtMs - Date.now();
    const pttl = await redis.pttl(holdKey(id, first.email));
    assert.ok(pttl > left + settings.graceMs - 1_000 && pttl <= left + settings.graceMs + 1_000, `hold key TTL ${pttl}, hold left ${left}`);
    assert.equal(await redis.get(holdKey(id, first.email)), first.token);
    // The answer's view counts the queue as the buyer saw it.
    const lastQueued = replies.at(-1)!;
    assert.equal(lastQueued.view!.position, 150);
  });

  it('buy is idempotent: 20 parallel buys by one buyer join once and hold once', async () => {
    const { id, k } = await sale({ stock: 5 });
    const replies = await Promise.all(Array.from({ length: 20 }, () => scripts.buy(id, 'one@example.com', settings)));
    assert.equal(replies.filter((r) => r.joinedNow).length, 1);
    assert.equal(replies.filter((r) => r.grantedNow).length, 1);
    assert.ok(
      replies.every((r) => r.status === 'held'),
      'every answer shows the hold',
    );
    assert.equal(await redis.get(k.stock), '4');
    assert.equal(await redis.llen(k.grants), 1);
  });

  it('buy refuses outside the window, when sold out, after a purchase, and without a sale', async () => {
    assert.equal((await scripts.buy((await sale({ stock: 5, startsInMs: 60_000 })).id, 'a@x.io', settings)).status, 'not_started');
    assert.equal((await scripts.buy((await sale({ stock: 5, startsInMs: -2000, endsInMs: -1 })).id, 'a@x.io', settings)).status, 'ended');
    assert.equal((await scripts.buy(`t-${randomUUID()}`, 'a@x.io', settings)).status, 'no_sale');
    const { id, k } = await sale({ stock: 0 });
    assert.equal((await scripts.buy(id, 'a@x.io', settings)).status, 'sold_out');
    assert.equal(await redis.zcard(k.queue), 0, 'nobody queues for a sold-out sale');
    await redis.sadd(k.paid, 'paid@x.io');
    assert.equal((await scripts.buy(id, 'paid@x.io', settings)).status, 'paid');
  });

  it('prefix rule: a buyer is granted only while their rank is below the free stock; Fast Pass grants the head only', async () => {
    const { id, k } = await sale({ stock: 1, initial: 100 }); // Fast Pass threshold: ceil(100 * 10%) = 10
    await scripts.buy(id, 'holder@x.io', settings); // takes the one unit: everyone after queues
    const waiting = emails(20, 'w');
    for (const e of waiting) assert.equal((await scripts.buy(id, e, settings)).status, 'queued');
    await redis.set(k.stock, 15); // units come back: 15 free, above the threshold
    // A latecomer (rank 20) and the 17th in line (rank 16) must wait; rank 14 may go.
    assert.equal((await scripts.buy(id, 'late@x.io', settings)).status, 'queued');
    assert.equal((await scripts.step(id, waiting[16]!, 'check', settings)).kind, 'queued');
    assert.equal((await scripts.step(id, waiting[14]!, 'check', settings)).kind, 'held');
    await redis.set(k.stock, 5); // at or below the threshold: only the head
    assert.equal((await scripts.step(id, waiting[1]!, 'check', settings)).kind, 'queued');
    assert.equal((await scripts.step(id, waiting[0]!, 'check', settings)).kind, 'held');
    const fastPass = (await redis.lrange(k.grants, 0, -1)).map(parseGrant).at(-1)!;
    assert.equal(fastPass.mode, 'fastpass');
    assert.equal(fastPass.via, 'workflow');
  });

  it('promote: 10 concurrent dispatchers grant exactly the free stock to the queue heads, in order', async () => {
    const { id, k } = await sale({ stock: 1 });
    await scripts.buy(id, 'holder@x.io', settings);
    const waiting = emails(100, 'p');
    for (const e of waiting) await scripts.buy(id, e, settings);
    await redis.set(k.stock, 30);
    const batches = await Promise.all(Array.from({ length: 10 }, () => scripts.promote(id, settings, 7)));
    const granted = batches.flat();
    assert.equal(granted.length, 30);
    assert.deepEqual(granted.map((g) => g.email).sort(), waiting.slice(0, 30).sort());
    const log = (await redis.lrange(k.grants, 0, -1)).map(parseGrant).slice(1);
    assert.deepEqual(
      log.map((g) => g.email),
      waiting.slice(0, 30),
      'in queue order',
    );
    assert.ok(
      log.every((g) => g.via === 'dispatch'),
      'granted by the dispatcher',
    );
    assert.equal(await redis.get(k.stock), '0');
    assert.equal(await redis.zcard(k.queue), 70);
  });

  it('step: cancel and expiry give the unit back once; a queued buyer leaves when nothing can come back', async () => {
    const { id, k } = await sale({ stock: 2 });
    await scripts.buy(id, 'c@x.io', settings);
    await scripts.buy(id, 'e@x.io', { ...settings, holdTtlMs: 50 });
    const cancels = await Promise.all(Array.from({ length: 10 }, () => scripts.step(id, 'c@x.io', 'cancel', settings)));
    assert.equal(cancels.filter((r) => r.kind === 'released').length, 1, 'one release');
    assert.ok(
      cancels.every((r) => r.kind === 'released' || (r.kind === 'done' && r.outcome === 'cancelled')),
      JSON.stringify(cancels),
    );
    assert.equal(await redis.hget(k.outcome, 'c@x.io'), 'cancelled');
    assert.equal(await redis.exists(holdKey(id, 'c@x.io')), 0);
    assert.equal((await scripts.step(id, 'e@x.io', 'check', settings)).kind, 'held', 'not before its end');
    await sleep(60);
    const ends = await Promise.all(Array.from({ length: 10 }, () => scripts.step(id, 'e@x.io', 'check', settings)));
    assert.equal(ends.filter((r) => r.kind === 'released' && r.outcome === 'expired').length, 1);
    assert.equal(await redis.get(k.stock), '2', 'both units back');

    const { id: gone, k: gk } = await sale({ stock: 1 });
    await scripts.buy(gone, 'holder@x.io', settings);
    await scripts.buy(gone, 'waiter@x.io', settings);
    await scripts.consume(gone, 'holder@x.io', (await hold(gone, 'holder@x.io'))!.token);
    const r = await scripts.step(gone, 'waiter@x.io', 'check', settings);
    assert.deepEqual(r, { kind: 'done', outcome: 'sold_out' });
    const left = (await redis.lrange(gk.left, 0, -1)).map(parseLeft);
    assert.deepEqual(
      left.map((l) => [l.email, l.arrival, l.outcome]),
      [['waiter@x.io', 2, 'sold_out']],
    );
  });

  it('step: a running workflow Redis does not know (a rebuild missed it) goes back at its arrival, once; one with an outcome or cancelling does not', async () => {
    const { id, k } = await sale({ stock: 1, initial: 3 });
    await scripts.buy(id, 'a@x.io', settings); // arrival 1, holds the free unit
    const missed = await Promise.all(Array.from({ length: 20 }, () => scripts.step(id, 'missed@x.io', 'check', settings, 3)));
    assert.ok(
      missed.every((r) => r.kind === 'queued' && r.arrival === 3 && r.position === 1),
      JSON.stringify(missed[0]),
    );
    assert.deepEqual(await redis.zrange(k.queue, 0, -1, 'WITHSCORES'), ['missed@x.io', '3'], 'in the queue once, at its arrival');
    assert.equal(await redis.get(k.arrivals), '3', 'later arrivals come after it');
    assert.equal((await scripts.buy(id, 'new@x.io', settings)).arrival, 4, 'a newcomer arrives after it');

    await redis.hset(k.outcome, 'left@x.io', 'expired');
    assert.deepEqual(await scripts.step(id, 'left@x.io', 'check', settings, 2), { kind: 'done', outcome: 'expired' });
    assert.deepEqual(await scripts.step(id, 'leaving@x.io', 'cancel', settings, 2), { kind: 'done', outcome: 'closed' });
    assert.deepEqual(await scripts.step(id, 'nobody@x.io', 'check', settings), { kind: 'done', outcome: 'closed' });
    assert.deepEqual(await redis.zrange(k.queue, 0, -1), ['missed@x.io', 'new@x.io'], 'nobody else joined');
  });

  it('claim: of 20 concurrent confirms one owns the hold, the rest see it busy; after the lease one takes it over', async () => {
    const { id, k } = await sale({ stock: 1, price: 42 });
    await scripts.buy(id, 'p@x.io', settings);
    const claims = await Promise.all(Array.from({ length: 20 }, () => scripts.claim(id, 'p@x.io', 200)));
    const owners = claims.filter((c) => c.status === 'confirming');
    assert.equal(owners.length, 1);
    assert.equal(claims.filter((c) => c.status === 'busy').length, 19);
    const owner = owners[0]!;
    assert.ok(owner.status === 'confirming' && owner.fresh && owner.price === 42, JSON.stringify(owner));
    const h = (await hold(id, 'p@x.io'))!;
    assert.equal(h.state, 'confirming');
    assert.ok(h.leaseUntilMs > Date.now() && h.leaseUntilMs <= Date.now() + 200, `lease until ${h.leaseUntilMs}`);
    // No release takes a confirming hold back, not even a cancel.
    assert.equal((await scripts.step(id, 'p@x.io', 'cancel', settings)).kind, 'confirming');
    assert.equal(await redis.get(k.stock), '0');
    await sleep(220);
    const takeovers = await Promise.all(Array.from({ length: 5 }, () => scripts.claim(id, 'p@x.io', 200)));
    const took = takeovers.filter((c) => c.status === 'confirming');
    assert.equal(took.length, 1, 'one takeover');
    assert.ok(took[0]!.status === 'confirming' && !took[0]!.fresh, 'a takeover, not a fresh claim');
    // The workflow's step also takes over a confirm whose lease ended.
    await sleep(220);
    const step = await scripts.step(id, 'p@x.io', 'check', settings);
    assert.equal(step.kind, 'finish');
  });

  it('claim refuses an expired hold, an ended sale, and says where the buyer is otherwise', async () => {
    const { id } = await sale({ stock: 2 });
    await scripts.buy(id, 'x@x.io', { ...settings, holdTtlMs: 30 });
    await sleep(40);
    assert.equal((await scripts.claim(id, 'x@x.io', 1000)).status, 'expired');
    assert.deepEqual(await scripts.claim(id, 'nobody@x.io', 1000), { status: 'none', outcome: '' });
    const { id: ending, k } = await sale({ stock: 1 });
    await scripts.buy(ending, 'y@x.io', settings);
    await redis.hset(k.meta, 'endsAt', Date.now() - 1);
    assert.equal((await scripts.claim(ending, 'y@x.io', 1000)).status, 'ended');
  });

  it('consume and abort end a confirming hold exactly once', async () => {
    const { id, k } = await sale({ stock: 3 });
    for (const e of ['a@x.io', 'b@x.io', 'c@x.io']) {
      await scripts.buy(id, e, settings);
      await scripts.claim(id, e, 1000);
    }
    const tokenA = (await hold(id, 'a@x.io'))!.token;
    const consumed = await Promise.all(Array.from({ length: 10 }, () => scripts.consume(id, 'a@x.io', tokenA)));
    assert.equal(consumed.filter(Boolean).length, 1);
    assert.equal(await redis.sismember(k.paid, 'a@x.io'), 1);
    assert.equal(await redis.hget(k.outcome, 'a@x.io'), 'purchased');
    assert.equal(await redis.hexists(k.holds, 'a@x.io'), 0);
    assert.equal(await scripts.abort(id, 'b@x.io', 'wrong-token', 'closed'), false);
    assert.equal(await scripts.abort(id, 'b@x.io', (await hold(id, 'b@x.io'))!.token, 'closed'), true);
    assert.equal(await redis.get(k.stock), '1', "b's unit went back");
    assert.equal(await scripts.abort(id, 'c@x.io', (await hold(id, 'c@x.io'))!.token, 'sold_out'), true);
    assert.equal(await redis.get(k.stock), '0', 'MongoDB has none left: Redis stops granting');
  });

  it('close empties the queue into the left log; snapshot reads it all at once', async () => {
    const { id, k } = await sale({ stock: 1 });
    for (const e of emails(5, 'q')) await scripts.buy(id, e, settings);
    assert.deepEqual(await scripts.close(id), emails(5, 'q').slice(1), 'the queued buyers who left, in queue order (q0 holds)');
    assert.equal(await redis.zcard(k.queue), 0);
    assert.deepEqual(
      (await redis.lrange(k.left, 0, -1)).map((l) => parseLeft(l).outcome),
      ['closed', 'closed', 'closed', 'closed'],
    );
    const snap = await scripts.snapshot(id, 'q0@example.com');
    assert.equal(snap.holdsLive, 1);
    assert.equal(snap.hold?.state, 'held');
    assert.equal(snap.grantsTotal, 1);
    assert.equal(snap.queueSize, 0);
  });

  it('lock: one owner at a time, released only by its owner (compare-and-delete), free again after its TTL', async () => {
    const key = `fslock:{t-${randomUUID()}}`;
    used.push(key.slice(8, -1));
    const deps = { redis, scripts, config: { lockTtlMs: 300 } as EngineConfig } as EngineDeps;
    let inside = 0;
    let most = 0;
    const ran = await Promise.all(
      Array.from({ length: 10 }, () =>
        withLock(
          deps,
          key,
          async () => {
            most = Math.max(most, ++inside);
            await sleep(20);
            inside--;
            return true;
          },
          2_000,
        ),
      ),
    );
    assert.equal(most, 1, 'never two holders at once');
    assert.equal(ran.filter(Boolean).length, 10);
    assert.equal(await redis.exists(key), 0, 'released');

    await redis.set(key, 'owner-a', 'PX', 300);
    assert.equal(await scripts.unlock(key, 'owner-b'), false, 'not ours: left alone');
    assert.equal(await redis.get(key), 'owner-a');
    const pttl = await redis.pttl(key);
    assert.ok(pttl > 0 && pttl <= 300, `lock TTL ${pttl}`);
    assert.equal(await withLock(deps, key, async () => 'late', 50), undefined, 'busy: gave up');
    await sleep(320);
    assert.equal(await withLock(deps, key, async () => 'after expiry'), 'after expiry');
    await redis.set(key, 'owner-a', 'PX', 300);
    assert.equal(await scripts.unlock(key, 'owner-a'), true);
    assert.equal(await redis.exists(key), 0);
  });
});
