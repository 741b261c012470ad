import { z } from 'zod';
import { PRE_QUEUE_MODES } from '@models/constants';
import { ZDateTime, ZSaleId } from '../common.schema';

const saleFields = {
  name: z.string().trim().min(1).max(120),
  description: z.string().trim().max(2000).default(''),
  startingQuantity: z.number().int().min(1).max(1_000_000),
  pricePerUnit: z.number().min(0).max(10_000_000),
  startsAt: ZDateTime,
  endsAt: ZDateTime,
  /** A waiting room before the start (random or fifo order at the opening); null or absent: none. */
  preQueue: z.enum(PRE_QUEUE_MODES).nullable().optional(),
};

// Object checks run even when a field failed (zod reports every problem at once), so they only
// judge fields that did parse into dates.
const isDate = (d: unknown): d is Date => d instanceof Date && !Number.isNaN(d.getTime());
const windowOk = (v: { startsAt?: unknown; endsAt?: unknown }) => !isDate(v.startsAt) || !isDate(v.endsAt) || v.startsAt < v.endsAt;
const windowError = { error: 'endsAt must be after startsAt', path: ['endsAt'] };

/** A sale's window on its own: the edit form checks the pair it shows with this. */
export const ZSaleWindow = z.object({ startsAt: ZDateTime, endsAt: ZDateTime }).refine(windowOk, windowError);

export const ZCreateSaleInput = z
  .object(saleFields)
  .strict()
  .refine(windowOk, windowError)
  // A sale that is over before it is made can sell nothing: almost certainly a typo in the dates.
  .refine((v) => !isDate(v.endsAt) || v.endsAt.getTime() > Date.now(), { error: 'endsAt must be in the future', path: ['endsAt'] });
export type TCreateSaleInput = z.infer<typeof ZCreateSaleInput>;

// Only the fields sent change: no defaults here (a default would overwrite what the sale has).
export const ZUpdateSaleInput = z
  .object({ id: ZSaleId, ...saleFields, description: z.string().trim().max(2000) })
  .partial({ name: true, description: true, startingQuantity: true, pricePerUnit: true, startsAt: true, endsAt: true })
  .strict()
  .refine((v) => Object.keys(v).some((k) => k !== 'id'), { error: 'Send at least one field to change' })
  .refine(windowOk, windowError);
export type TUpdateSaleInput = z.infer<typeof ZUpdateSaleInput>;

export const ZSaleIdInput = z.object({ flashSaleId: ZSaleId }).strict();
export type TSaleIdInput = z.infer<typeof ZSaleIdInput>;

export const ZSaleRefInput = z.object({ id: ZSaleId }).strict();

export const ZListSalesInput = z
  .object({ scope: z.enum(['all', 'live', 'upcoming', 'ended']).default('all') })
  .strict()
  .default({ scope: 'all' });

/** Moves a live (or upcoming) sale's end later. */
export const ZExtendSaleInput = z.object({ id: ZSaleId, endsAt: ZDateTime }).strict();
export type TExtendSaleInput = z.infer<typeof ZExtendSaleInput>;
