import { z } from 'zod';

/** Shared field schemas; messages name the field so a 400 says exactly what to fix. */
export const ZEmail = z
  .string({ error: 'email must be a string' })
  .trim()
  .max(254, { error: 'email must be at most 254 characters' })
  .toLowerCase()
  .pipe(z.email({ error: 'email must be a valid email address' }));

export const ZSaleId = z
  .string({ error: 'flashSaleId must be a string' })
  .trim()
  .regex(/^[a-f0-9]{24}$/i, { error: 'flashSaleId must be a 24-character hex id' })
  .transform((v) => v.toLowerCase());

export const ZPage = z.coerce.number().int().min(1).max(100_000).default(1);
export const ZPageSize = z.coerce.number().int().min(1).max(200).default(25);
