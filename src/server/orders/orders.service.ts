/**
 * The purchase as the buyer drives it. Every answer comes from Redis (and, for a confirm, MongoDB);
 * no request waits on a workflow task. Workflow starts and signals go out in the background.
 *
 *   buy      buy-11.lua: join the FIFO queue and make the first grant attempt (before the start
 *            of a sale with a waiting room: enter the room)
 *   position snapshot-11.lua
 *   confirm  claim-11.lua (the hold becomes "confirming"), the MongoDB step, consume-11.lua, then
 *            the hold workflow is signalled `confirmed`
 *   cancel   step-11.lua with intent cancel (the unit goes back, or the buyer leaves the queue)
 */
import { FlashSale, Order } from '@models/index';
import { holdSettings } from '@/engine/config';
import { saleKeys } from '@/engine/keys';
import { dispatchInBackground } from '@/engine/dispatch';
import {
  AlreadyPurchasedError,
  NoActiveHoldError,
  NotInQueueError,
  PaymentInProgressError,
  SaleEndedError,
  SaleNotFoundError,
  SaleNotStartedError,
  ServiceUnavailableError,
  SoldOutError,
} from '@/engine/errors';
import { faultPoint } from '@/engine/faults';
import { metrics, recordGrant, recordRelease, timeConfirmStep } from '@/engine/metrics';
import { findOrder, finishConfirm, toOrderView } from '@/engine/purchase';
import { ensureSaleInRedis } from '@/engine/projection';
import type { BuyerSnapshot } from '@/engine/scripts';
import { signalHold, startHold, type HoldRef, type HoldSignal } from '@/engine/temporal';
import { arrivalSeq, type OrderView } from '@/engine/contract';
import type { AppDeps } from '../deps';
import type { TAdminOrdersInput, TBuyerInput } from './orders.schema';

export type PositionStatus = 'waiting' | 'queued' | 'held' | 'purchased' | 'expired' | 'cancelled' | 'sold_out' | 'closed' | 'none';

export interface PositionView {
  status: PositionStatus;
  /** true while a confirm of the held unit is being recorded (it can no longer be cancelled). */
  paying: boolean;
  /** 1-based place in the queue (0 when not queued); in the waiting room, the place by arrival. */
  position: number;
  /** People in front of this buyer (in the waiting room: who arrived earlier). */
  ahead: number;
  /** People in the queue (in the waiting room: in the room). */
  size: number;
  hasActiveHold: boolean;
  /** Seconds left on the hold (0 when none). */
  holdTtlSec: number;
  holdExpiresAt: string | null;
  /** Rough wait estimate; null when it depends on others releasing units. */
  etaSec: number | null;
  available: number;
}

export interface BuyResult extends PositionView {
  queued: boolean;
}

const NOT_HOLDING = { paying: false, hasActiveHold: false, holdTtlSec: 0, holdExpiresAt: null, etaSec: null } as const;

function toPosition(snap: BuyerSnapshot, holdTtlSec: number): PositionView {
  const heldMs = snap.hold ? Math.max(0, snap.hold.expiresAtMs - snap.nowMs) : 0;
  const paying = snap.hold?.state === 'confirming';
  // Nothing free and nothing held means every unit is sold: queued buyers need not wait.
  const allSold = snap.stock <= 0 && snap.holdsLive === 0;
  const status: PositionStatus = snap.paid
    ? 'purchased'
    : snap.hold && (heldMs > 0 || paying)
      ? 'held'
      : snap.position > 0
        ? allSold
          ? 'sold_out'
          : 'queued'
        : snap.roomPlace > 0
          ? 'waiting'
          : ((snap.outcome || 'none') as PositionStatus);
  if (status === 'waiting') {
    // Places are given at the opening (drawn by lot in a random-order room): no wait estimate yet.
    const view = { ...NOT_HOLDING, status, position: snap.roomPlace, ahead: snap.roomPlace - 1, size: snap.roomSize };
    return { ...view, available: Math.max(0, snap.stock) };
  }
  const ahead = Math.max(0, snap.position - 1);
  return {
    status,
    paying: status === 'held' && paying,
    position: snap.position,
    ahead,
    size: snap.queueSize,
    hasActiveHold: status === 'held',
    holdTtlSec: status === 'held' ? Math.ceil(heldMs / 1000) : 0,
    holdExpiresAt: status === 'held' && snap.hold ? new Date(snap.hold.expiresAtMs).toISOString() : null,
    etaSec: status !== 'queued' ? 0 : snap.stock > ahead ? 1 : snap.stock <= 0 && snap.holdsLive > 0 ? null : holdTtlSec,
    available: Math.max(0, snap.stock),
  };
}

/**
 * Sends a message to the buyer's hold workflow off the request path (with retries). One buyer's
 * messages go one at a time, in order: a `confirmed` never overtakes the `start` it follows (which
 * would then start a second run of a workflow that already ended). A signal is dropped while a
 * message to the same workflow still waits to be sent: that one makes it read Redis anyway (under a
 * flash crowd, most buyers pay before their workflow's start gets out: one action less each).
 */
function tellHold(deps: AppDeps, hold: HoldRef, message: 'start' | HoldSignal): void {
  const lane = `${hold.saleId}:${hold.email}`;
  const send = async () => {
    const client = await deps.temporal();
    if (message === 'start') await startHold(client, deps.config, hold);
    else await signalHold(client, deps.config, hold, message);
  };
  if (message === 'start') deps.background.run(`${message}:${lane}`, send, lane);
  else deps.background.runUnlessWaiting(`${message}:${lane}`, send, lane);
}

/** A sale Redis does not have (lost in an outage) is rebuilt first; 503 while that runs. */
async function loadSale(deps: AppDeps, saleId: string): Promise<void> {
  await deps.mongo();
  await ensureSaleInRedis(deps, saleId);
}

export async function buy(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<BuyResult> {
  const settings = holdSettings(deps.config);
  let r = await deps.scripts.buy(flashSaleId, email, settings);
  if (r.status === 'no_sale') {
    await loadSale(deps, flashSaleId);
    r = await deps.scripts.buy(flashSaleId, email, settings);
  }
  metrics().appMetrics.buys.inc({ result: r.status });
  switch (r.status) {
    case 'no_sale':
      throw SaleNotFoundError(flashSaleId);
    case 'not_started':
      throw SaleNotStartedError();
    case 'ended':
      throw SaleEndedError();
    case 'paid':
      throw AlreadyPurchasedError();
    case 'sold_out':
      throw SoldOutError();
  }
  if (r.grantedNow) recordGrant('buy');
  // A new buyer's workflow is started (already `held` when granted now: no upsert needed); a
  // queued buyer granted on a second buy is woken. Either way its first step reads Redis. A buyer
  // in the waiting room is kept by Temporal under minus their ticket (see arrivalSeq).
  const arrival = r.arrival === undefined ? undefined : arrivalSeq(r.arrival, r.status === 'waiting');
  if (r.joinedNow) tellHold(deps, { saleId: flashSaleId, email, arrival, state: r.grantedNow ? 'held' : 'queued' }, 'start');
  else if (r.grantedNow) tellHold(deps, { saleId: flashSaleId, email, arrival }, 'granted');
  // Free units and nobody granted: the heads ahead (e.g. a Fast Pass head) are the dispatcher's.
  if (r.status === 'queued' && r.view!.stock > 0) dispatchInBackground(deps, flashSaleId);
  const view = toPosition(r.view!, deps.config.holdTtlSec);
  return { ...view, queued: view.status === 'queued' || view.status === 'waiting' };
}

export async function position(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<PositionView> {
  let snap = await deps.scripts.snapshot(flashSaleId, email);
  if (!snap.hold && !snap.paid && !snap.position && !(await deps.redis.exists(saleKeys(flashSaleId).meta))) {
    await loadSale(deps, flashSaleId);
    snap = await deps.scripts.snapshot(flashSaleId, email);
  }
  return toPosition(snap, deps.config.holdTtlSec);
}

const NO_HOLD_REASONS: Record<string, string> = {
  expired: 'your hold expired',
  cancelled: 'you cancelled your hold',
  sold_out: 'the sale sold out',
  closed: 'the sale has ended',
};

/** How often a confirm that found another one in flight (a double click) looks again. */
const BUSY_POLL_MS = 50;

export async function confirm(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<OrderView> {
  const m = metrics().appMetrics;
  const giveUpAt = Date.now() + deps.config.confirmLeaseMs + 5_000;
  try {
    for (;;) {
      const c = await timeConfirmStep('claim', () => deps.scripts.claim(flashSaleId, email, deps.config.confirmLeaseMs));
      switch (c.status) {
        case 'confirming': {
          await faultPoint(deps.config, 'confirm.after-claim');
          await deps.mongo();
          const order = await finishConfirm(deps, {
            saleId: flashSaleId,
            email,
            token: c.token,
            price: c.price,
            atMs: c.atMs,
            fresh: c.fresh,
          });
          tellHold(deps, { saleId: flashSaleId, email }, 'confirmed');
          m.confirms.inc({ result: 'paid' });
          return order;
        }
        case 'paid': {
          // A double click, a retry, or a confirm finished by the workflow: the same order.
          await deps.mongo();
          const order = await findOrder(flashSaleId, email);
          if (!order) throw AlreadyPurchasedError();
          m.confirms.inc({ result: 'paid' });
          return order;
        }
        case 'busy':
          // Another confirm of this hold is in flight: its outcome is ours (or its lease runs out).
          if (Date.now() > giveUpAt) throw ServiceUnavailableError('Your payment is still being processed');
          await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
          continue;
        case 'queued':
          throw NoActiveHoldError('you are still in the queue');
        case 'expired':
          throw NoActiveHoldError('your hold expired');
        case 'ended':
          throw SaleEndedError();
        case 'lost':
          await loadSale(deps, flashSaleId); // 503 while another process rebuilds it
          continue;
        case 'none':
          throw NoActiveHoldError(NO_HOLD_REASONS[c.outcome]);
      }
    }
  } catch (err) {
    m.confirms.inc({ result: (err as { code?: string }).code ?? 'error' });
    throw err;
  }
}

/** Gives the held unit back, or leaves the queue; answers with the buyer's state afterwards. */
export async function cancel(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<PositionView> {
  let r = await deps.scripts.step(flashSaleId, email, 'cancel', holdSettings(deps.config));
  if (r.kind === 'lost') {
    await loadSale(deps, flashSaleId);
    r = await deps.scripts.step(flashSaleId, email, 'cancel', holdSettings(deps.config));
  }
  if (r.kind === 'confirming') throw PaymentInProgressError();
  if (r.kind === 'released') {
    recordRelease('cancelled');
    dispatchInBackground(deps, flashSaleId); // the unit goes to the next buyer
  } else if (r.kind === 'done' && r.outcome === 'cancelled') {
    dispatchInBackground(deps, flashSaleId); // a departing head may let the next one through Fast Pass
  } else {
    if (r.kind === 'done' && r.outcome === 'purchased') throw AlreadyPurchasedError();
    // A workflow a rebuild of Redis could not see would put this buyer back in the queue: it ends instead.
    tellHold(deps, { saleId: flashSaleId, email }, 'cancel');
    throw NotInQueueError();
  }
  tellHold(deps, { saleId: flashSaleId, email }, 'cancel');
  return position(deps, { email, flashSaleId });
}

export interface OrderRow extends OrderView {
  saleName: string;
}

type OrderDoc = Parameters<typeof toOrderView>[0];

async function withSaleNames(orders: OrderDoc[]): Promise<OrderRow[]> {
  const views = orders.map(toOrderView);
  const ids = [...new Set(views.map((o) => o.flashSaleId))];
  const sales = await FlashSale.find({ _id: { $in: ids } }, { name: 1 }).lean();
  const names = new Map(sales.map((s) => [String(s._id), s.name]));
  return views.map((o) => ({ ...o, saleName: names.get(o.flashSaleId) ?? '(deleted sale)' }));
}

export async function byEmail(deps: AppDeps, email: string): Promise<OrderRow[]> {
  await deps.mongo();
  return withSaleNames(await Order.find({ userEmail: email }).sort({ createdAt: -1 }).limit(200).lean<OrderDoc[]>());
}

export async function adminList(deps: AppDeps, input: TAdminOrdersInput) {
  await deps.mongo();
  const filter: Record<string, unknown> = {};
  if (input.flashSaleId) filter.flashSaleId = input.flashSaleId;
  if (input.status) filter.paymentStatus = input.status;
  if (input.email) filter.userEmail = input.email.toLowerCase();
  const [total, orders] = await Promise.all([
    Order.countDocuments(filter),
    Order.find(filter)
      .sort({ createdAt: -1 })
      .skip((input.page - 1) * input.pageSize)
      .limit(input.pageSize)
      .lean<OrderDoc[]>(),
  ]);
  const items = await withSaleNames(orders);
  return { items, total, page: input.page, pageSize: input.pageSize, pages: Math.max(1, Math.ceil(total / input.pageSize)) };
}
