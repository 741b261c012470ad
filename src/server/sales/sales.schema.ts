import { z } from 'zod';
import { ZSaleId } from '../common.schema';

const ZDate = (field: string) =>
  z.coerce.date({ error: `${field} must be a date (ISO 8601)` }).refine((d) => !Number.isNaN(d.getTime()), {
    error: `${field} must be a valid date`,
  });

const saleFields = {
  name: z.string({ error: 'name must be a string' }).trim().min(1, { error: 'name is required' }).max(120, { error: 'name must be at most 120 characters' }),
  description: z.string({ error: 'description must be a string' }).trim().max(2000, { error: 'description must be at most 2000 characters' }).default(''),
  startingQuantity: z.coerce
    .number({ error: 'startingQuantity must be a number' })
    .int({ error: 'startingQuantity must be a whole number' })
    .min(1, { error: 'startingQuantity must be at least 1' })
    .max(1_000_000, { error: 'startingQuantity must be at most 1000000' }),
  pricePerUnit: z.coerce
    .number({ error: 'pricePerUnit must be a number' })
    .min(0, { error: 'pricePerUnit must not be negative' })
    .max(10_000_000, { error: 'pricePerUnit must be at most 10000000' }),
  startsAt: ZDate('startsAt'),
  endsAt: ZDate('endsAt'),
};

const windowOk = (v: { startsAt?: Date; endsAt?: Date }) => !v.startsAt || !v.endsAt || v.startsAt < v.endsAt;
const windowError = { error: 'endsAt must be after startsAt', path: ['endsAt'] };

export const ZCreateSaleInput = z.object(saleFields).strict().refine(windowOk, windowError);
export type TCreateSaleInput = z.infer<typeof ZCreateSaleInput>;

export const ZUpdateSaleInput = z
  .object({ id: ZSaleId, ...saleFields, description: saleFields.description.optional() })
  .partial({ name: true, startingQuantity: true, pricePerUnit: true, startsAt: true, endsAt: true })
  .strict()
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
export const ZExtendSaleInput = z.object({ id: ZSaleId, endsAt: ZDate('endsAt') }).strict();
export type TExtendSaleInput = z.infer<typeof ZExtendSaleInput>;
