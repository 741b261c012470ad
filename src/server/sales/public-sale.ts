/**
 * The public status of a sale, the one thing every shopper polls: the same for everyone, so it is
 * cached in process for a quarter of a second (the hot path of a flash crowd).
 */
import { fastPassThreshold } from '@/engine/config';
import { ensureSaleInRedis } from '@/engine/projection';
import type { AppDeps } from '../deps';
import { findSale, saleStatusAt, toSaleItem, type SaleItem, type SaleStatus } from './sale-item';

export interface PublicSale {
  item: SaleItem;
  meta: {
    status: SaleStatus;
    /** An admin paused the sale: it grants nothing until resumed (buyers may still join the queue). */
    paused: boolean;
    soldOut: boolean;
    progress: { remaining: number; starting: number; ratio: number };
    /** Units free to be granted right now (not held, not sold). */
    available: number;
    holdsLive: number;
    queueSize: number;
    /** Buyers in the waiting room (before the opening). */
    waitingRoomSize: number;
    fastPass: boolean;
    startsInSec: number;
    endsInSec: number;
    serverTime: string;
  };
}

// The public status is the same for every buyer: cache it briefly in process (hot path).
const PUBLIC_CACHE_MS = 250;
const cache = new Map<string, { at: number; value: Promise<PublicSale> }>();

export function publicSale(deps: AppDeps, id: string): Promise<PublicSale> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < PUBLIC_CACHE_MS) return hit.value;
  const value = loadPublicSale(deps, id);
  cache.set(id, { at: Date.now(), value });
  value.catch(() => cache.delete(id));
  if (cache.size > 1000) cache.delete(cache.keys().next().value!);
  return value;
}

async function loadPublicSale(deps: AppDeps, id: string): Promise<PublicSale> {
  await deps.mongo();
  const sale = await findSale(id);
  await ensureSaleInRedis(deps, id);
  const snap = await deps.scripts.snapshot(id);
  const now = snap.nowMs;
  const starting = sale.startingQuantity;
  const sold = starting - sale.currentQuantity;
  const remaining = Math.max(0, starting - Math.max(sold, snap.paidCount));
  return {
    item: toSaleItem(sale),
    meta: {
      status: saleStatusAt(sale, now),
      paused: !!sale.pausedAt,
      soldOut: remaining === 0 || (snap.stock <= 0 && snap.holdsLive === 0),
      progress: { remaining, starting, ratio: starting ? remaining / starting : 0 },
      available: Math.max(0, snap.stock),
      holdsLive: snap.holdsLive,
      queueSize: snap.queueSize,
      waitingRoomSize: snap.roomSize,
      fastPass: snap.stock <= fastPassThreshold(starting, deps.config.fastPassPercent),
      startsInSec: Math.max(0, Math.ceil((sale.startsAt.getTime() - now) / 1000)),
      endsInSec: Math.max(0, Math.ceil((sale.endsAt.getTime() - now) / 1000)),
      serverTime: new Date(now).toISOString(),
    },
  };
}

/** Drops a sale's cached status (after an admin changed it). */
export function forgetPublicSale(id: string): void {
  cache.delete(id);
}
