/**
 * A sale's projection in Redis: the facts the Lua scripts read (synced after every change), and the
 * whole sale rebuilt when Redis does not have it.
 *
 * Redis is the queue, the shadow stock and the holds; when it comes back empty (a restart without
 * persistence, a FLUSHALL, a failover to an empty replica) each sale is rebuilt before anything is
 * granted again, from what the other two stores know:
 *
 *   MongoDB  the sale's facts and stock (currentQuantity), who paid (orders), confirms in flight
 *            (the sale's pendingGrants markers: units already taken off currentQuantity);
 *   Temporal the running hold workflows of the sale (search attribute SaleId): who holds (their
 *            `state` query: token, deadline, arrival) and who waits, in which order (ArrivalSeq),
 *            in the queue or, before the sale opened, in its waiting room (ArrivalSeq < 0).
 *
 * Until it is rebuilt every script refuses to decide (buy says no_sale, step and claim say lost),
 * so requests answer 503 with Retry-After and hold workflows wait: never a wrong grant. The rebuild
 * is written in one MULTI under WATCH, so a confirm that ends meanwhile (consume-11.lua writes who
 * paid) makes it start over. What Redis alone knew is gone: the grant and departure logs, and
 * buyers whose workflow had not started yet (they buy again).
 */
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { FlashSale, Order } from '@models/index';
import type { PreQueueMode } from '@models/constants';
import { holdStateQuery } from './contract';
import type { EngineDeps } from './deps';
import { dispatchSale } from './dispatch';
import { SaleNotFoundError, ServiceUnavailableError } from './errors';
import { allSaleKeys, holdKey, saleKeys } from './keys';
import { recordRestore } from './metrics';
import { restoredHoldEntry } from './scripts';

export interface SaleFacts {
  _id: Types.ObjectId;
  name: string;
  startingQuantity: number;
  currentQuantity: number;
  pricePerUnit: number;
  startsAt: Date;
  endsAt: Date;
  pausedAt?: Date | null;
  preQueue?: PreQueueMode | null;
}

async function findSaleFacts(saleId: string): Promise<SaleFacts> {
  const sale = Types.ObjectId.isValid(saleId) ? await FlashSale.findById(saleId).lean<SaleFacts>() : null;
  if (!sale) throw SaleNotFoundError(saleId);
  return sale;
}

/** The sale facts the Lua scripts read (`fsmeta`). */
export const saleMeta = (sale: SaleFacts) => ({
  startsAt: sale.startsAt.getTime(),
  endsAt: sale.endsAt.getTime(),
  initial: sale.startingQuantity,
  price: sale.pricePerUnit,
  name: sale.name,
  paused: sale.pausedAt ? 1 : 0,
  preQueue: sale.preQueue ?? '',
});

/** A new sale's first projection: its facts and its whole stock (nothing else can exist yet). */
export async function publishNewSale(deps: EngineDeps, saleId: string): Promise<void> {
  const sale = await findSaleFacts(saleId);
  const k = saleKeys(saleId);
  await deps.redis.multi().set(k.stock, sale.currentQuantity).hset(k.meta, saleMeta(sale)).exec();
}

/**
 * Projects the sale's facts to Redis after a change. A sale Redis does not have (new, or lost in
 * an outage) is built whole by restoreSale, with its stock, holds and queue.
 */
export async function syncSaleToRedis(deps: EngineDeps, saleId: string): Promise<void> {
  const sale = await findSaleFacts(saleId);
  // HSET only where the meta exists: a missing one means the whole sale must be rebuilt.
  if (!(await deps.scripts.sync(saleId, saleMeta(sale)))) await ensureSaleInRedis(deps, saleId);
}

const RESTORE_LOCK_MS = 120_000;
const QUERY_CONCURRENCY = 20;

interface RestoredHold {
  email: string;
  token: string;
  expiresAtMs: number;
  arrival: number;
  state: 'held' | 'confirming';
}

export interface RestoreReport {
  holds: number;
  queued: number;
  /** Buyers put back in the waiting room (the sale had not opened). */
  waiting: number;
  paid: number;
  stock: number;
  ms: number;
}

interface Waiter {
  email: string;
  /** Arrival in the queue; in the waiting room, the ticket. */
  arrival: number;
  waiting: boolean;
}

/** The sale's running hold workflows, as Temporal sees them: holders (queried), the queue and the waiting room. */
async function liveBuyers(deps: EngineDeps, saleId: string) {
  const client = await deps.temporal();
  const queue: Waiter[] = [];
  const toQuery: string[] = [];
  /** ArrivalSeq of the workflows queried: the place of one that has not stepped yet (it knows none). */
  const arrivalSeqOf = new Map<string, number>();
  for await (const wf of client.workflow.list({
    query: `WorkflowType = 'holdWorkflow' AND SaleId = '${saleId}' AND ExecutionStatus = 'Running'`,
  })) {
    const attrs = wf.searchAttributes ?? {};
    const email = String(attrs.BuyerEmail?.[0] ?? '');
    const state = String(attrs.HoldState?.[0] ?? 'queued');
    const arrival = Number(attrs.ArrivalSeq?.[0] ?? NaN);
    if (!email) continue;
    if (state === 'held' || state === 'confirming' || !Number.isFinite(arrival)) {
      toQuery.push(wf.workflowId);
      if (Number.isFinite(arrival)) arrivalSeqOf.set(email, arrival);
    } else if (state === 'queued') queue.push({ email, arrival: Math.abs(arrival), waiting: arrival < 0 });
  }
  const holds: RestoredHold[] = [];
  for (let i = 0; i < toQuery.length; i += QUERY_CONCURRENCY) {
    const views = await Promise.all(
      toQuery.slice(i, i + QUERY_CONCURRENCY).map((id) => client.workflow.getHandle(id).query(holdStateQuery)),
    );
    for (const v of views) {
      if ((v.state === 'held' || v.state === 'confirming') && v.token && v.expiresAtMs && v.arrival) {
        holds.push({ email: v.email, token: v.token, expiresAtMs: v.expiresAtMs, arrival: v.arrival, state: v.state });
      } else if (v.state === 'queued' && v.arrival) {
        queue.push({ email: v.email, arrival: v.arrival, waiting: v.waiting === true });
      } else if (v.state === 'queued' && arrivalSeqOf.has(v.email)) {
        // Started held (granted at the buy) but Redis was lost before its first step: its grant is
        // gone with Redis; it goes back into the queue at its arrival, ahead of everyone after it.
        const seq = arrivalSeqOf.get(v.email)!;
        queue.push({ email: v.email, arrival: Math.abs(seq), waiting: seq < 0 });
      }
    }
  }
  return { holds, queue };
}

/**
 * Where the restored waiters go, and whether the sale counts as opened (see includes/sale.lua's
 * open_if_due). Buyers whose workflow still says "waiting room" go back into it while the opening
 * cannot have happened: before the start, or after it while nobody holds, paid or was placed (then
 * the next event opens the room with a fresh draw, as it would have). Otherwise the sale had
 * opened and these workflows had not stepped since: their drawn place is lost with Redis, so they
 * go into the queue at their ticket. Tickets and places are both 1..n, below every later arrival,
 * so the room still comes before everyone after the opening; only its inner order may differ.
 */
function waitingRoom(sale: SaleFacts, queue: Waiter[], inSale: number, now: number) {
  const waiting = queue.filter((q) => q.waiting);
  const placed = queue.filter((q) => !q.waiting);
  const opened = now >= sale.startsAt.getTime() && !(waiting.length && !placed.length && !inSale);
  if (!opened) return { queue: placed, waiting, opened: {} };
  const mode = sale.preQueue ?? (waiting.length ? 'fifo' : '');
  return { queue: queue, waiting: [], opened: { openedAt: sale.startsAt.getTime(), roomMode: mode } };
}

/**
 * Rebuilds one sale in Redis (see the file header). Resolves once the sale is there (rebuilt here
 * or by another process); throws ServiceUnavailableError while another process is rebuilding it.
 */
export async function restoreSale(deps: EngineDeps, saleId: string): Promise<RestoreReport | null> {
  await findSaleFacts(saleId); // an unknown sale is a 404, before any lock is taken
  const k = saleKeys(saleId);
  const owner = randomUUID();
  if ((await deps.redis.set(k.restoreLock, owner, 'PX', RESTORE_LOCK_MS, 'NX')) !== 'OK') {
    if (await deps.redis.exists(k.meta)) return null;
    throw ServiceUnavailableError('The sale is being restored after an outage', 2);
  }
  // WATCH needs a connection of its own: the shared one pipelines everyone's commands.
  const conn = deps.redis.duplicate();
  try {
    for (;;) {
      const t0 = Date.now();
      await conn.watch(...allSaleKeys(k));
      if (await conn.exists(k.meta)) {
        await conn.unwatch();
        return null; // someone else finished first
      }
      const sale = await FlashSale.findById(saleId).select('+pendingGrants').lean<SaleFacts & { pendingGrants?: Record<string, number> }>();
      if (!sale) throw SaleNotFoundError(saleId);
      const [orders, buyers] = await Promise.all([
        Order.find({ flashSaleId: saleId }).select('userEmail grantToken').lean<{ userEmail: string; grantToken: string }[]>(),
        liveBuyers(deps, saleId),
      ]);
      const paid = new Set(orders.map((o) => o.userEmail));
      const holds = buyers.holds.filter((h) => !paid.has(h.email));
      const queue = buyers.queue.filter((q) => !paid.has(q.email) && !holds.some((h) => h.email === q.email));
      // A confirming hold whose marker is on the sale has its unit off currentQuantity already.
      const decremented = new Set(Object.keys(sale.pendingGrants ?? {}).map((g) => g.slice(1)));
      const unitsHeld = holds.filter((h) => !(h.state === 'confirming' && decremented.has(h.token))).length;
      const stock = Math.max(0, sale.currentQuantity - unitsHeld);
      const now = Date.now();

      const room = waitingRoom(sale, queue, holds.length + paid.size, now);

      const tx = conn.multi().del(...allSaleKeys(k));
      for (const h of holds) {
        tx.hset(k.holds, h.email, restoredHoldEntry(h));
        tx.set(holdKey(saleId, h.email), h.token, 'PX', Math.max(1, h.expiresAtMs - now) + deps.config.holdGraceSec * 1000);
      }
      if (room.queue.length) tx.zadd(k.queue, ...room.queue.flatMap((q) => [q.arrival, q.email]));
      if (room.waiting.length) tx.zadd(k.waiting, ...room.waiting.flatMap((q) => [q.arrival, q.email]));
      if (paid.size) tx.sadd(k.paid, ...paid).hset(k.outcome, Object.fromEntries([...paid].map((e) => [e, 'purchased'])));
      tx.set(k.stock, stock)
        .set(k.arrivals, Math.max(0, ...holds.map((h) => h.arrival), ...queue.map((q) => q.arrival)))
        // Tokens go on from every one MongoDB knows (orders, markers), so none is given twice.
        .set(
          k.grantSeq,
          Math.max(0, ...holds.map((h) => Number(h.token)), ...orders.map((o) => Number(o.grantToken)), ...[...decremented].map(Number)),
        )
        .hset(k.meta, { ...saleMeta(sale), ...room.opened }); // last: the scripts decide again once the meta is there
      if ((await tx.exec()) === null) continue; // a confirm ended meanwhile: read again
      const report = {
        holds: holds.length,
        queued: room.queue.length,
        waiting: room.waiting.length,
        paid: paid.size,
        stock,
        ms: Date.now() - t0,
      };
      recordRestore();
      console.log(`[engine] restored sale ${saleId} in Redis: ${JSON.stringify(report)}`);
      return report;
    }
  } finally {
    conn.disconnect();
    await deps.scripts.unlock(k.restoreLock, owner);
  }
}

/**
 * Makes sure Redis has the sale before a request uses it: rebuilds it if Redis lost it (503 while
 * another process does), then lets the queue heads have any free units.
 */
export async function ensureSaleInRedis(deps: EngineDeps, saleId: string): Promise<void> {
  if (await deps.redis.exists(saleKeys(saleId).meta)) return;
  const restored = await restoreSale(deps, saleId);
  if (restored?.stock) await dispatchSale(deps, saleId);
}

/** The same, off the request path (a hold workflow's step found the sale lost). */
export function restoreInBackground(deps: EngineDeps, saleId: string): void {
  deps.background.run(`restore:${saleId}`, () =>
    ensureSaleInRedis(deps, saleId).catch((err: unknown) => {
      if ((err as { code?: string }).code !== 'SERVICE_UNAVAILABLE') throw err; // another process restores it
    }),
  );
}
