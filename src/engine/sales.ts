/**
 * A sale's projection in Redis (the facts the Lua scripts read, and its shadow stock), and what the
 * sale workflow does while the sale runs (tick) and when it ends (close).
 */
import { Types } from 'mongoose';
import { FlashSale, Order } from '@models/index';
import type { SaleFigures } from './contract';
import type { EngineDeps } from './deps';
import { dispatchSale, sweepOrphanHolds } from './dispatch';
import { SaleNotFoundError } from './errors';
import { saleKeys } from './keys';

interface SaleFacts {
  _id: Types.ObjectId;
  name: string;
  startingQuantity: number;
  currentQuantity: number;
  pricePerUnit: number;
  startsAt: Date;
  endsAt: Date;
  pausedAt?: Date | null;
}

async function findSaleFacts(saleId: string): Promise<SaleFacts> {
  const sale = Types.ObjectId.isValid(saleId) ? await FlashSale.findById(saleId).lean<SaleFacts>() : null;
  if (!sale) throw SaleNotFoundError(saleId);
  return sale;
}

/**
 * Writes the sale facts the scripts read; seeds the shadow stock only when it is missing (Redis
 * lost the sale, or it is new), and then also restores who already paid (one unit per person).
 */
export async function syncSaleToRedis(deps: Pick<EngineDeps, 'redis'>, saleId: string): Promise<void> {
  const sale = await findSaleFacts(saleId);
  const k = saleKeys(saleId);
  const replies = await deps.redis
    .multi()
    .hset(k.meta, {
      startsAt: sale.startsAt.getTime(),
      endsAt: sale.endsAt.getTime(),
      initial: sale.startingQuantity,
      price: sale.pricePerUnit,
      name: sale.name,
      paused: sale.pausedAt ? 1 : 0,
    })
    .set(k.stock, sale.currentQuantity, 'NX')
    .exec();
  if (replies?.[1]?.[1] === 'OK') {
    const buyers = await Order.find({ flashSaleId: sale._id }).distinct('userEmail');
    if (buyers.length) await deps.redis.sadd(k.paid, ...buyers);
  }
}

/** The sale workflow's tick: recover orphaned holds, promote queue heads. */
export async function tickSale(deps: EngineDeps, saleId: string): Promise<{ waiting: boolean }> {
  await sweepOrphanHolds(deps, saleId);
  await dispatchSale(deps, saleId);
  const s = await deps.scripts.snapshot(saleId);
  return { waiting: s.queueSize > 0 || s.holdsLive > 0 };
}

/** At the sale's end: the queue empties (closed), and the figures that must reconcile are stored. */
export async function closeSale(deps: EngineDeps, saleId: string): Promise<SaleFigures> {
  await deps.scripts.close(saleId);
  const snap = await deps.scripts.snapshot(saleId);
  const sale = await FlashSale.findById(saleId).lean<SaleFacts>();
  const figures: SaleFigures = {
    sold: sale ? sale.startingQuantity - sale.currentQuantity : snap.paidCount,
    stockLeft: snap.stock,
    holdsLive: snap.holdsLive,
    queued: snap.queueSize,
  };
  if (sale) {
    await FlashSale.updateOne({ _id: saleId }, { $set: { finalFigures: { ...figures, closedAt: new Date() } } });
    await removeSettledMarkers(saleId);
  }
  return figures;
}

/** Confirm markers a crash left on the sale although their order exists (see purchase.ts). */
async function removeSettledMarkers(saleId: string): Promise<void> {
  const doc = await FlashSale.findById(saleId).select('+pendingGrants').lean<{ pendingGrants?: Record<string, number> }>();
  const tokens = Object.keys(doc?.pendingGrants ?? {}).map((k) => k.slice(1));
  if (!tokens.length) return;
  const settled = await Order.find({ flashSaleId: saleId, grantToken: { $in: tokens } }).distinct('grantToken');
  if (settled.length) await FlashSale.updateOne({ _id: saleId }, { $unset: Object.fromEntries(settled.map((t) => [`pendingGrants.g${t}`, ''])) });
}
