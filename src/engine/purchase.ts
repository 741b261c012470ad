/**
 * The confirm's MongoDB step and its Redis ending, shared by the app (in the request) and the hold
 * workflow or sweeper (finishing a confirm whose app died). MongoDB records what Redis decided:
 *
 *   1. conditional decrement of the sale (`currentQuantity > 0`, the sale's window at the confirm's
 *      time) that also sets a marker `pendingGrants.g<token>`: one decrement per grant, atomically;
 *   2. the order (unique per sale and buyer, carrying the grant token);
 *   3. the marker is removed (after the answer; closeSale sweeps any left), so the sale document does
 *      not grow with the number of sales.
 *
 * Concurrent confirms share each write (group-commit.ts): one conditional update per sale takes the
 * units of a whole batch, one insertMany writes their orders, one update removes their markers. On
 * a hot sale that is a few writes to its document per batch instead of two per confirm.
 *
 * Callers hold the confirm's lease (claim-11.lua), so at most one runs this for a grant at a time,
 * and no MongoDB call is sent once half the lease is spent.
 * A fresh claim means no earlier attempt exists, so it skips straight to 1. A takeover (the earlier
 * owner died somewhere in 1-3) first looks for the order (done: only 3 is left) and the marker
 * (1 is done: 2 and 3 are left).
 */
import { FlashSale, Order } from '@models/index';
import { holdWorkflowId, type OrderView } from './contract';
import type { EngineDeps } from './deps';
import { AlreadyPurchasedError, DomainError, SaleEndedError, ServiceUnavailableError, SoldOutError } from './errors';
import { recordOversellGuard, timeConfirmStep } from './metrics';
import { faultPoint } from './faults';
import { groupCommit } from './group-commit';

export interface ConfirmClaim {
  saleId: string;
  email: string;
  /** Grant token of the hold: the idempotency key of the decrement. */
  token: string;
  price: number;
  /** When the confirm counts as made (within the hold and the sale window). */
  atMs: number;
  /** true when the claim began now (no earlier attempt can exist), false for a takeover. */
  fresh: boolean;
}

interface LeasedClaim extends ConfirmClaim {
  /**
   * No MongoDB call starts after this (ms): half the lease, so a slow owner never writes after a
   * successor took its lease over.
   */
  sendBeforeMs: number;
}

type OrderLean = {
  _id: unknown;
  flashSaleId: unknown;
  userEmail: string;
  paymentStatus: string;
  totalAmount: number;
  holdWorkflowId: string;
  grantToken?: string;
  createdAt?: Date;
};

export const toOrderView = (o: OrderLean): OrderView => ({
  id: String(o._id),
  flashSaleId: String(o.flashSaleId),
  userEmail: o.userEmail,
  paymentStatus: o.paymentStatus,
  totalAmount: o.totalAmount,
  holdWorkflowId: o.holdWorkflowId,
  createdAt: (o.createdAt ?? new Date()).toISOString(),
});

export async function findOrder(saleId: string, email: string): Promise<OrderView | null> {
  const o = await Order.findOne({ flashSaleId: saleId, userEmail: email }).lean<OrderLean>();
  return o ? toOrderView(o) : null;
}

const markerOf = (token: string) => `pendingGrants.g${token}`;

/** Refuses to start a MongoDB call once the lease is half spent (the caller retries later). */
function inLease(c: { sendBeforeMs: number }): void {
  if (Date.now() >= c.sendBeforeMs) throw ServiceUnavailableError('Your payment is taking longer than usual');
}

/**
 * A batch goes only while every one of its claims is within its lease: else (throwing makes the
 * group commit send each alone) the late one is refused by its own inLease and the rest go on.
 */
function batchInLease(cs: { sendBeforeMs: number }[]): void {
  if (cs.some((c) => Date.now() >= c.sendBeforeMs)) throw new Error('a claim of the batch is past its lease');
}

function bySale<T extends { saleId: string }>(items: T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.saleId, [...(groups.get(item.saleId) ?? []), item]);
  return groups;
}

/** Step 1, one claim: takes the unit off the sale for this grant, or says why the sale refused it. */
async function decrementOne(c: LeasedClaim): Promise<void> {
  inLease(c);
  const at = new Date(c.atMs);
  const res = await FlashSale.updateOne(
    { _id: c.saleId, startsAt: { $lte: at }, endsAt: { $gt: at }, currentQuantity: { $gt: 0 }, [markerOf(c.token)]: { $exists: false } },
    { $inc: { currentQuantity: -1 }, $set: { [markerOf(c.token)]: c.atMs } },
  );
  if (res.modifiedCount === 1) return;
  const sale = await FlashSale.findById(c.saleId)
    .select(`startsAt endsAt currentQuantity +${markerOf(c.token)}`)
    .lean<{
      startsAt: Date;
      endsAt: Date;
      pendingGrants?: Record<string, number>;
    }>();
  if (sale?.pendingGrants?.[`g${c.token}`] !== undefined) return; // taken by an earlier attempt
  if (!sale || at < sale.startsAt || at >= sale.endsAt) {
    recordOversellGuard('outside_window');
    throw SaleEndedError();
  }
  recordOversellGuard('no_stock');
  throw SoldOutError();
}

/**
 * Step 1 for concurrent claims: one conditional update per sale takes all their units at once
 * (every confirm time within the window, stock for all, no marker set yet). When it is refused,
 * each claim goes alone and gets its own answer; a marker an update of this batch already set
 * makes that claim's own attempt a no-op, so a retried claim is never decremented twice.
 */
async function decrementMany(cs: LeasedClaim[]): Promise<void[]> {
  batchInLease(cs);
  for (const [saleId, group] of bySale(cs)) {
    const ats = group.map((c) => c.atMs);
    const res = await FlashSale.updateOne(
      {
        _id: saleId,
        startsAt: { $lte: new Date(Math.min(...ats)) },
        endsAt: { $gt: new Date(Math.max(...ats)) },
        currentQuantity: { $gte: group.length },
        ...Object.fromEntries(group.map((c) => [markerOf(c.token), { $exists: false }])),
      },
      { $inc: { currentQuantity: -group.length }, $set: Object.fromEntries(group.map((c) => [markerOf(c.token), c.atMs])) },
    );
    if (res.modifiedCount !== 1) throw new Error(`a batched decrement of sale ${saleId} was refused`);
  }
  return cs.map(() => undefined);
}

/** Step 1: the decrements of concurrent confirms go together (see group-commit.ts). */
const decrement = groupCommit<LeasedClaim, void>(decrementMany, decrementOne, 250);

type NewOrder = Omit<OrderLean, '_id' | 'createdAt' | 'flashSaleId'> & { flashSaleId: string };
type LeasedOrder = { doc: NewOrder; sendBeforeMs: number };

/** Inserts orders, those of concurrent confirms together (see group-commit.ts). */
const writeOrder = groupCommit<LeasedOrder, OrderView>(
  async (batch) => {
    batchInLease(batch);
    const docs = await Order.insertMany(
      batch.map((o) => o.doc),
      { ordered: false },
    );
    return docs.map((d) => toOrderView(d.toObject()));
  },
  async (o) => {
    inLease(o);
    return toOrderView((await Order.create(o.doc)).toObject());
  },
  250,
);

/** Step 2: the order for this grant (a duplicate insert finds the one an earlier attempt made). */
async function insertOrder(c: LeasedClaim): Promise<OrderView> {
  inLease(c);
  try {
    return await writeOrder({
      sendBeforeMs: c.sendBeforeMs,
      doc: {
        flashSaleId: c.saleId,
        userEmail: c.email,
        paymentStatus: 'paid',
        totalAmount: c.price,
        holdWorkflowId: holdWorkflowId(c.saleId, c.email),
        grantToken: c.token,
      },
    });
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    const existing = await Order.findOne({ flashSaleId: c.saleId, userEmail: c.email }).lean<OrderLean>();
    if (!existing || existing.grantToken !== c.token) throw AlreadyPurchasedError();
    return toOrderView(existing);
  }
}

/** Step 3: removes the markers of recorded orders, those of concurrent confirms of a sale in one update. */
const removeMarker = groupCommit<{ saleId: string; token: string }, void>(
  async (batch) => {
    for (const [saleId, group] of bySale(batch)) {
      await FlashSale.updateOne({ _id: saleId }, { $unset: Object.fromEntries(group.map((m) => [markerOf(m.token), ''])) });
    }
    return batch.map(() => undefined);
  },
  async (m) => {
    await FlashSale.updateOne({ _id: m.saleId }, { $unset: { [markerOf(m.token)]: '' } });
  },
  250,
);

/** Steps 1-3 for a claimed confirm. Idempotent under the lease; see the file header. */
async function recordOrder(c: LeasedClaim): Promise<OrderView> {
  let order: OrderView | null = null;
  if (!c.fresh) {
    inLease(c);
    const existing = await Order.findOne({ flashSaleId: c.saleId, userEmail: c.email }).lean<OrderLean>();
    if (existing && existing.grantToken !== c.token) throw AlreadyPurchasedError();
    if (existing) order = toOrderView(existing);
  }
  if (!order) {
    await timeConfirmStep('decrement', () => decrement(c));
    order = await timeConfirmStep('order', () => insertOrder(c));
  }
  // Off the answer's path: once the order exists every later attempt finds it first, so the marker
  // only needs to go eventually (closeSale removes any a crash left behind).
  removeMarker({ saleId: c.saleId, token: c.token }).catch((err: unknown) =>
    console.warn(`[engine] confirm marker of grant ${c.token} not removed yet: ${(err as Error).message}`),
  );
  return order;
}

/**
 * Records the claimed confirm in MongoDB, then ends the hold in Redis as paid. When MongoDB refuses
 * for good (no unit left, outside the window, already bought with another hold), the hold ends
 * unpaid instead (abort-11.lua) and the refusal is thrown to the caller.
 */
export async function finishConfirm(deps: Pick<EngineDeps, 'scripts' | 'config'>, claim: ConfirmClaim): Promise<OrderView> {
  // Called right after the claim: the lease runs from about now.
  const c: LeasedClaim = { ...claim, sendBeforeMs: Date.now() + deps.config.confirmLeaseMs / 2 };
  let order: OrderView;
  try {
    order = await recordOrder(c);
    await faultPoint(deps.config, 'confirm.after-order');
  } catch (err) {
    if (err instanceof DomainError && err.kind !== 'SERVICE_UNAVAILABLE') {
      const outcome = err.code === 'SOLD_OUT' ? 'sold_out' : err.code === 'ALREADY_PURCHASED' ? 'purchased' : 'closed';
      await deps.scripts.abort(c.saleId, c.email, c.token, outcome);
    }
    throw err;
  }
  await timeConfirmStep('consume', () => deps.scripts.consume(c.saleId, c.email, c.token));
  return order;
}
