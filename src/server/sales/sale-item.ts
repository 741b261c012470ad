/** A sale as the services answer it, read from MongoDB (the source of truth). */
import { Types } from 'mongoose';
import { FlashSale } from '@models/index';
import type { PreQueueMode } from '@models/constants';
import { SaleNotFoundError } from '@/engine/errors';

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
  /** The waiting room before the start: random or fifo order at the opening; null: none. */
  preQueue: PreQueueMode | null;
  /** Set while an admin has paused the sale: nothing is granted, queues keep their order. */
  pausedAt: Date | null;
  createdAt?: Date;
  updatedAt?: Date;
}

/** A sale as MongoDB returns it (lean). */
export type SaleLean = Omit<SaleItem, 'id' | 'description' | 'pausedAt' | 'preQueue'> & {
  _id: Types.ObjectId;
  description?: string | null;
  pausedAt?: Date | null;
  preQueue?: PreQueueMode | null;
};

export const toSaleItem = (s: SaleLean): SaleItem => ({
  id: String(s._id),
  name: s.name,
  description: s.description ?? '',
  startingQuantity: s.startingQuantity,
  currentQuantity: s.currentQuantity,
  pricePerUnit: s.pricePerUnit,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  preQueue: s.preQueue ?? null,
  pausedAt: s.pausedAt ?? null,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
});

export const saleStatusAt = (s: { startsAt: Date; endsAt: Date }, nowMs: number): SaleStatus =>
  nowMs < s.startsAt.getTime() ? 'upcoming' : nowMs < s.endsAt.getTime() ? 'ongoing' : 'ended';

export async function findSale(id: string): Promise<SaleLean> {
  if (!Types.ObjectId.isValid(id)) throw SaleNotFoundError(id);
  const sale = await FlashSale.findById(id).lean<SaleLean>();
  if (!sale) throw SaleNotFoundError(id);
  return sale;
}
