/**
 * Sales as admins manage them: create, change, pause, resume, extend, delete, list. MongoDB is the
 * source of truth; each change is projected to Redis (the facts the Lua scripts read) and to the
 * sale workflow (its timers). The public status shoppers poll is in public-sale.ts.
 */
import { FlashSale, Order } from '@models/index';
import { dispatchInBackground } from '@/engine/dispatch';
import { SaleLockedError, SaleNotFoundError } from '@/engine/errors';
import { allSaleKeys, saleKeys } from '@/engine/keys';
import { publishNewSale, syncSaleToRedis } from '@/engine/projection';
import { rescheduleSaleWorkflow, startSaleWorkflow, stopSaleWorkflow } from '@/engine/temporal';
import type { AppDeps } from '../deps';
import { forgetPublicSale } from './public-sale';
import { findSale, saleStatusAt, toSaleItem, type SaleItem, type SaleLean, type SaleStatus } from './sale-item';
import type { TCreateSaleInput, TExtendSaleInput, TUpdateSaleInput } from './sales.schema';

export async function createSale(deps: AppDeps, input: TCreateSaleInput): Promise<SaleItem> {
  await deps.mongo();
  const doc = await FlashSale.create({ ...input, currentQuantity: input.startingQuantity });
  const sale = doc.toObject() as SaleLean;
  const item = toSaleItem(sale);
  await publishNewSale(deps, item.id);
  await startSaleWorkflow(await deps.temporal(), deps.config, item);
  return item;
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
  // The waiting room opened (or was skipped) at the start: its mode is history from then on.
  if (started && changes.preQueue !== undefined && changes.preQueue !== (before.preQueue ?? null)) {
    throw SaleLockedError('preQueue cannot change once the sale has started');
  }

  const set: Record<string, unknown> = { ...changes };
  if (qtyChanged) set.currentQuantity = changes.startingQuantity;
  const after = await FlashSale.findOneAndUpdate({ _id: id }, { $set: set }, { new: true }).lean<SaleLean>();
  if (!after) throw SaleNotFoundError(id);

  if (qtyChanged) await deps.redis.set(saleKeys(id).stock, after.currentQuantity);
  return project(deps, after);
}

/** Projects a changed sale to Redis and to its workflow's timers, and answers with it. */
async function project(deps: AppDeps, sale: SaleLean): Promise<SaleItem> {
  const item = toSaleItem(sale);
  await syncSaleToRedis(deps, item.id);
  await rescheduleSaleWorkflow(await deps.temporal(), deps.config, item);
  forgetPublicSale(item.id);
  return item;
}

/** A live sale stops granting; its queue keeps its order and live holds keep their deadline. */
export async function pauseSale(deps: AppDeps, id: string): Promise<SaleItem> {
  await deps.mongo();
  const sale = await findSale(id);
  assertLive(sale, 'paused');
  if (sale.pausedAt) return toSaleItem(sale);
  const after = await FlashSale.findOneAndUpdate({ _id: id }, { $set: { pausedAt: new Date() } }, { new: true }).lean<SaleLean>();
  return project(deps, after!);
}

/** A paused sale grants again, from the head of its queue. */
export async function resumeSale(deps: AppDeps, id: string): Promise<SaleItem> {
  await deps.mongo();
  const sale = await findSale(id);
  if (!sale.pausedAt) return toSaleItem(sale);
  const after = await FlashSale.findOneAndUpdate({ _id: id }, { $set: { pausedAt: null } }, { new: true }).lean<SaleLean>();
  const item = await project(deps, after!);
  dispatchInBackground(deps, id); // units freed while paused go to the queue heads
  return item;
}

/** Moves a sale's end later (its workflow's timers follow); holds keep their deadline. */
export async function extendSale(deps: AppDeps, { id, endsAt }: TExtendSaleInput): Promise<SaleItem> {
  await deps.mongo();
  const sale = await findSale(id);
  assertLive(sale, 'extended', true);
  if (endsAt <= sale.endsAt) throw SaleLockedError(`endsAt must be later than the current end (${sale.endsAt.toISOString()})`);
  const after = await FlashSale.findOneAndUpdate({ _id: id }, { $set: { endsAt } }, { new: true }).lean<SaleLean>();
  return project(deps, after!);
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
  await stopSaleWorkflow(await deps.temporal(), id);
  forgetPublicSale(id);
  return { id, deleted: true };
}

function assertLive(sale: SaleLean, what: string, upcomingToo = false): void {
  const status = saleStatusAt(sale, Date.now());
  if (status === 'ended') throw SaleLockedError(`The sale has ended and cannot be ${what}`);
  if (status === 'upcoming' && !upcomingToo) throw SaleLockedError(`The sale has not started yet and cannot be ${what}`);
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
