/**
 * The purchase as the buyer drives it: buy (join the FIFO queue + start the hold workflow),
 * position (one Redis snapshot), confirm (workflow Update), cancel (signal), and order listings.
 */
import { Types } from 'mongoose';
import { FlashSale, Order } from '@models/index';
import { saleScripts, type SaleSnapshot } from '../redis/scripts';
import { saleKeys } from '../redis/keys';
import type { AppDeps } from '../deps';
import {
  AlreadyPurchasedError,
  DomainError,
  NoActiveHoldError,
  NotInQueueError,
  SaleEndedError,
  SaleNotFoundError,
  SaleNotStartedError,
  SoldOutError,
} from '../errors';
import { cancelHold, confirmHold, startHold } from '../temporal/holds';
import { startHoldInBackground } from '../temporal/background-starts';
import { attemptGrant } from '../queue/grant';
import { recordBuy, recordConfirm } from '../metrics/record';
import { syncSaleToRedis } from '../sales/sales.service';
import { toOrderView } from './finalize';
import type { TAdminOrdersInput, TBuyerInput } from './orders.schema';
import type { OrderView } from '../../../temporal/shared';

export type PositionStatus = 'queued' | 'held' | 'purchased' | 'expired' | 'cancelled' | 'sold_out' | 'closed' | 'none';

export interface PositionView {
  status: PositionStatus;
  /** 1-based place in the queue (0 when not queued). */
  position: number;
  /** People in front of this buyer. */
  ahead: number;
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

async function ensureSaleInRedis(deps: AppDeps, saleId: string): Promise<void> {
  if (await deps.redis.exists(saleKeys(saleId).meta)) return;
  await deps.mongo();
  if (!Types.ObjectId.isValid(saleId) || !(await FlashSale.exists({ _id: saleId }))) throw SaleNotFoundError(saleId);
  await syncSaleToRedis(deps.redis, saleId);
}

function toPosition(snap: SaleSnapshot, holdTtlSec: number): PositionView {
  const heldMs = snap.hold ? Math.max(0, snap.hold.expiresAtMs - snap.nowMs) : 0;
  // Nothing free and nothing held means every unit is sold: queued buyers need not wait.
  const allSold = snap.stock <= 0 && snap.holdsLive === 0;
  const status: PositionStatus = snap.paid
    ? 'purchased'
    : snap.hold && heldMs > 0
      ? 'held'
      : snap.position > 0
        ? allSold
          ? 'sold_out'
          : 'queued'
        : ((snap.outcome || 'none') as PositionStatus);
  const ahead = Math.max(0, snap.position - 1);
  return {
    status,
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

export async function buy(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<BuyResult> {
  await ensureSaleInRedis(deps, flashSaleId);
  const scripts = saleScripts(deps.redis);
  const joined = await scripts.join(flashSaleId, email);
  recordBuy(joined.status);
  switch (joined.status) {
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
    case 'queued': {
      // First grant attempt right here (same script and rules as the workflow's), so an early
      // buyer's hold does not wait for its workflow to start.
      const temporal = await deps.temporal();
      const grant = await attemptGrant({ redis: deps.redis, temporal, config: deps.config }, flashSaleId, email);
      // A granted hold's timer must exist before we answer; a queued buyer's workflow may follow.
      if (grant.status === 'granted') await startHold(temporal, deps.config, flashSaleId, email);
      else startHoldInBackground(temporal, deps.config, flashSaleId, email);
      break;
    }
    case 'held':
      // Retrying buy is always safe: USE_EXISTING returns the running hold, or starts the one a
      // failed earlier attempt could not.
      await startHold(await deps.temporal(), deps.config, flashSaleId, email);
      break;
  }
  const view = toPosition(await scripts.status(flashSaleId, email), deps.config.holdTtlSec);
  return { ...view, queued: view.status === 'queued' };
}

export async function position(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<PositionView> {
  await ensureSaleInRedis(deps, flashSaleId);
  return toPosition(await saleScripts(deps.redis).status(flashSaleId, email), deps.config.holdTtlSec);
}

async function findOrder(saleId: string, email: string) {
  const o = await Order.findOne({ flashSaleId: saleId, userEmail: email }).lean();
  return o ? toOrderView(o as Parameters<typeof toOrderView>[0]) : null;
}

export async function confirm(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<OrderView> {
  const requestedAtMs = Date.now(); // the moment the buyer asked is what counts against the hold
  await deps.mongo();
  // A repeated confirm (double click, retry) returns the order it already made.
  const done = await findOrder(flashSaleId, email);
  if (done) return done;
  const snap = await saleScripts(deps.redis).status(flashSaleId, email);
  if (!snap.hold) throw noHoldError(snap.outcome, snap.position > 0);
  try {
    const order = await confirmHold(await deps.temporal(), flashSaleId, email, requestedAtMs);
    recordConfirm();
    return order;
  } catch (err) {
    // A parallel confirm may have finished the workflow first: its order is the answer.
    const raced = await findOrder(flashSaleId, email);
    if (raced) return raced;
    if (err instanceof DomainError && err.code === 'NO_ACTIVE_HOLD') {
      throw noHoldError((await saleScripts(deps.redis).status(flashSaleId, email)).outcome, false);
    }
    recordConfirm(err);
    throw err;
  }
}

const NO_HOLD_REASONS: Record<string, string> = {
  expired: 'your hold expired',
  cancelled: 'you cancelled your hold',
  sold_out: 'the sale sold out',
  closed: 'the sale has ended',
  purchased: 'you already bought this item',
};

const noHoldError = (outcome: string, queued: boolean) =>
  NoActiveHoldError(queued ? 'you are still in the queue' : (NO_HOLD_REASONS[outcome] ?? 'you have no hold on this sale'));

export async function cancel(deps: AppDeps, { email, flashSaleId }: TBuyerInput): Promise<PositionView> {
  const before = await position(deps, { email, flashSaleId });
  if (before.status !== 'queued' && before.status !== 'held') {
    throw before.status === 'purchased' ? AlreadyPurchasedError() : NotInQueueError();
  }
  if (!(await cancelHold(await deps.temporal(), flashSaleId, email))) throw NoActiveHoldError();
  return before;
}

export interface OrderRow extends OrderView {
  saleName: string;
}

async function withSaleNames(orders: OrderView[]): Promise<OrderRow[]> {
  const ids = [...new Set(orders.map((o) => o.flashSaleId))];
  const sales = await FlashSale.find({ _id: { $in: ids } }, { name: 1 }).lean();
  const names = new Map(sales.map((s) => [String(s._id), s.name]));
  return orders.map((o) => ({ ...o, saleName: names.get(o.flashSaleId) ?? '(deleted sale)' }));
}

export async function byEmail(deps: AppDeps, email: string): Promise<OrderRow[]> {
  await deps.mongo();
  const orders = await Order.find({ userEmail: email }).sort({ createdAt: -1 }).limit(200).lean();
  return withSaleNames(orders.map((o) => toOrderView(o as Parameters<typeof toOrderView>[0])));
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
      .lean(),
  ]);
  const items = await withSaleNames(orders.map((o) => toOrderView(o as Parameters<typeof toOrderView>[0])));
  return { items, total, page: input.page, pageSize: input.pageSize, pages: Math.max(1, Math.ceil(total / input.pageSize)) };
}
