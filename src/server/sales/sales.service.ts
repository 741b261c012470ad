/**
 * Sales: admin CRUD (MongoDB is the source of truth), the Redis projection the scripts read
 * (`fsmeta`, `fsinv`), the sale workflow's lifecycle, and the public status every shopper polls.
 */
import { Types } from 'mongoose';
import { FlashSale, Order } from '@models/index';
import { fastPassThreshold } from '@/engine/config';
import { rescheduleSignal, saleWorkflowId, stopSaleSignal, type SaleArgs } from '@/engine/contract';
import { SaleLockedError, SaleNotFoundError } from '@/engine/errors';
import { allSaleKeys, saleKeys } from '@/engine/keys';
import { syncSaleToRedis } from '@/engine/sales';
import type { AppDeps } from '../deps';
import type { TCreateSaleInput, TUpdateSaleInput } from './sales.schema';

export type SaleStatus = 'upcoming' | 'ongoing' | 'ended';

export interface SaleItem {
  id: string;
  name: string;
  description: string;
  startingQuantity: number;
  currentQuantity: number;
  pricePerUnit: number;
  startsAt: Date;
  endsAt: Date;
  createdAt?: Date;
  updatedAt?: Date;
}

export interface PublicSale {
  item: SaleItem;
  meta: {
    status: SaleStatus;
    soldOut: boolean;
    progress: { remaining: number; starting: number; ratio: number };
    /** Units free to be granted right now (not held, not sold). */
    available: number;
    holdsLive: number;
    queueSize: number;
    fastPass: boolean;
    startsInSec: number;
    endsInSec: number;
    serverTime: string;
  };
}

/** A sale as MongoDB returns it (lean). */
type SaleLean = Omit<SaleItem, 'id' | 'description'> & { _id: Types.ObjectId; description?: string | null };

export const toSaleItem = (s: SaleLean): SaleItem => ({
  id: String(s._id),
  name: s.name,
  description: s.description ?? '',
  startingQuantity: s.startingQuantity,
  currentQuantity: s.currentQuantity,
  pricePerUnit: s.pricePerUnit,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

export const saleStatusAt = (s: { startsAt: Date; endsAt: Date }, nowMs: number): SaleStatus =>
  nowMs < s.startsAt.getTime() ? 'upcoming' : nowMs < s.endsAt.getTime() ? 'ongoing' : 'ended';

async function findSale(id: string): Promise<SaleLean> {
  if (!Types.ObjectId.isValid(id)) throw SaleNotFoundError(id);
  const sale = await FlashSale.findById(id).lean<SaleLean>();
  if (!sale) throw SaleNotFoundError(id);
  return sale;
}

function saleArgs(deps: AppDeps, sale: SaleLean): SaleArgs {
  return {
    saleId: String(sale._id),
    startsAtMs: sale.startsAt.getTime(),
    endsAtMs: sale.endsAt.getTime(),
    tickMs: deps.config.saleTickSec * 1000,
    idleTickMs: Math.max(deps.config.saleTickSec, 30) * 1000,
  };
}

export async function createSale(deps: AppDeps, input: TCreateSaleInput): Promise<SaleItem> {
  await deps.mongo();
  const doc = await FlashSale.create({ ...input, currentQuantity: input.startingQuantity });
  const sale = doc.toObject() as SaleLean;
  await syncSaleToRedis(deps, String(sale._id));
  const temporal = await deps.temporal();
  await temporal.workflow.start('saleWorkflow', {
    taskQueue: deps.config.taskQueue,
    workflowId: saleWorkflowId(String(sale._id)),
    args: [saleArgs(deps, sale)],
  });
  return toSaleItem(sale);
}

export async function updateSale(deps: AppDeps, input: TUpdateSaleInput): Promise<SaleItem> {
  await deps.mongo();
  const { id, ...changes } = input;
  const before = await findSale(id);
  const now = Date.now();
  const started = now >= before.startsAt.getTime();
  const startsAt = changes.startsAt ?? before.startsAt;
  const endsAt = changes.endsAt ?? before.endsAt;
  if (startsAt >= endsAt) throw SaleLockedError('endsAt must be after startsAt');
  const qtyChanged = changes.startingQuantity !== undefined && changes.startingQuantity !== before.startingQuantity;
  if (qtyChanged && started) throw SaleLockedError('startingQuantity cannot change once the sale has started');
  if (started && changes.startsAt && changes.startsAt.getTime() !== before.startsAt.getTime()) {
    throw SaleLockedError('startsAt cannot change once the sale has started');
  }

  const set: Record<string, unknown> = { ...changes };
  if (qtyChanged) set.currentQuantity = changes.startingQuantity;
  const after = await FlashSale.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<SaleLean>();
  if (!after) throw SaleNotFoundError(id);

  if (qtyChanged) await deps.redis.set(saleKeys(id).stock, after.currentQuantity);
  await syncSaleToRedis(deps, id);
  const temporal = await deps.temporal();
  // signal-with-start: a sale whose workflow already closed (e.g. end moved later) gets a new one.
  await temporal.workflow.signalWithStart('saleWorkflow', {
    taskQueue: deps.config.taskQueue,
    workflowId: saleWorkflowId(id),
    args: [saleArgs(deps, after)],
    signal: rescheduleSignal,
    signalArgs: [{ startsAtMs: after.startsAt.getTime(), endsAtMs: after.endsAt.getTime() }],
  });
  publicSaleCache.delete(id);
  return toSaleItem(after);
}

export async function deleteSale(deps: AppDeps, id: string): Promise<{ id: string; deleted: true }> {
  await deps.mongo();
  const sale = await findSale(id);
  const orders = await Order.countDocuments({ flashSaleId: sale._id });
  if (orders > 0) throw SaleLockedError(`This sale has ${orders} order(s) and cannot be deleted`);
  const snap = await deps.scripts.snapshot(id);
  if (snap.holdsLive > 0 || snap.queueSize > 0) {
    throw SaleLockedError('Buyers are queued or holding units; end the sale before deleting it');
  }
  await FlashSale.deleteOne({ _id: sale._id });
  await deps.redis.del(...allSaleKeys(saleKeys(id)));
  const temporal = await deps.temporal();
  await temporal.workflow
    .getHandle(saleWorkflowId(id))
    .signal(stopSaleSignal)
    .catch(() => undefined); // already closed: nothing to stop
  publicSaleCache.delete(id);
  return { id, deleted: true };
}

export async function getSale(deps: AppDeps, id: string): Promise<SaleItem> {
  await deps.mongo();
  return toSaleItem(await findSale(id));
}

export async function listSales(
  deps: AppDeps,
  scope: 'all' | 'live' | 'upcoming' | 'ended' = 'all',
): Promise<(SaleItem & { status: SaleStatus })[]> {
  await deps.mongo();
  const now = new Date();
  const filter =
    scope === 'live'
      ? { startsAt: { $lte: now }, endsAt: { $gt: now } }
      : scope === 'upcoming'
        ? { startsAt: { $gt: now } }
        : scope === 'ended'
          ? { endsAt: { $lte: now } }
          : {};
  const sales = await FlashSale.find(filter).sort({ startsAt: -1 }).limit(500).lean<SaleLean[]>();
  return sales.map((s) => ({ ...toSaleItem(s), status: saleStatusAt(s, now.getTime()) }));
}

// The public status is the same for every buyer: cache it briefly in process (hot path).
const PUBLIC_CACHE_MS = 250;
const publicSaleCache = new Map<string, { at: number; value: Promise<PublicSale> }>();

export function publicSale(deps: AppDeps, id: string): Promise<PublicSale> {
  const hit = publicSaleCache.get(id);
  if (hit && Date.now() - hit.at < PUBLIC_CACHE_MS) return hit.value;
  const value = loadPublicSale(deps, id);
  publicSaleCache.set(id, { at: Date.now(), value });
  value.catch(() => publicSaleCache.delete(id));
  if (publicSaleCache.size > 1000) publicSaleCache.delete(publicSaleCache.keys().next().value!);
  return value;
}

async function loadPublicSale(deps: AppDeps, id: string): Promise<PublicSale> {
  await deps.mongo();
  const sale = await findSale(id);
  if (!(await deps.redis.exists(saleKeys(id).meta))) await syncSaleToRedis(deps, id);
  const snap = await deps.scripts.snapshot(id);
  const now = snap.nowMs;
  const starting = sale.startingQuantity;
  const sold = starting - sale.currentQuantity;
  const remaining = Math.max(0, starting - Math.max(sold, snap.paidCount));
  return {
    item: toSaleItem(sale),
    meta: {
      status: saleStatusAt(sale, now),
      soldOut: remaining === 0 || (snap.stock <= 0 && snap.holdsLive === 0),
      progress: { remaining, starting, ratio: starting ? remaining / starting : 0 },
      available: Math.max(0, snap.stock),
      holdsLive: snap.holdsLive,
      queueSize: snap.queueSize,
      fastPass: snap.stock <= fastPassThreshold(starting, deps.config.fastPassPercent),
      startsInSec: Math.max(0, Math.ceil((sale.startsAt.getTime() - now) / 1000)),
      endsInSec: Math.max(0, Math.ceil((sale.endsAt.getTime() - now) / 1000)),
      serverTime: new Date(now).toISOString(),
    },
  };
}
