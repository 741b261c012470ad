/**
 * Shared field schemas. Inputs are strict: a number is a JSON number, never a string or a boolean
 * turned into one (forms convert their own strings before sending). Messages come from
 * ./input-errors (plain sentences naming the field) unless a field says something more useful.
 */
import { z } from 'zod';
import './input-errors';

export const ZEmail = z.string().trim().max(254).toLowerCase().pipe(z.email());

export const ZSaleId = z
  .string()
  .trim()
  .regex(/^[a-f0-9]{24}$/i, { error: (iss) => `${iss.path?.join('.') || 'id'} must be a 24-character hex id` })
  .transform((v) => v.toLowerCase());

/**
 * A point in time: a Date (tRPC carries Dates through superjson) or, in JSON, an ISO 8601
 * date-time with a time zone. Numbers and zone-less local times are refused: they are ambiguous.
 */
export const ZDateTime = z
  .union([z.date(), z.iso.datetime({ offset: true })], {
    error: (iss) =>
      iss.input === undefined
        ? `${iss.path?.join('.') || 'The date'} is required`
        : `${iss.path?.join('.') || 'The date'} must be an ISO 8601 date-time with a time zone, such as 2030-01-31T18:00:00Z`,
  })
  .transform((v) => new Date(v))
  .refine((d) => !Number.isNaN(d.getTime()), { error: (iss) => `${iss.path?.join('.') || 'The date'} is not a real date` });

export const DEFAULT_PAGE_SIZE = 25;
const pageNumber = z.number().int().min(1).max(100_000);
const pageSizeNumber = z.number().int().min(1).max(200);
export const ZPage = pageNumber.default(1);
export const ZPageSize = pageSizeNumber.default(DEFAULT_PAGE_SIZE);

/**
 * A whole number sent in a query string (always text): digits only ("2.5", "1e3", " 3", "0x10"
 * are refused), then the number's own rules.
 */
const queryInt = (n: z.ZodNumber) =>
  z
    .string()
    .regex(/^\d{1,15}$/, { error: (iss) => `${iss.path?.join('.') || 'The value'} must be a whole number written in digits` })
    .transform(Number)
    .pipe(n);

export const ZQueryPage = queryInt(pageNumber).default(1);
/** No default here: REST also takes it as `limit` (the original system's name). */
export const ZQueryPageSize = queryInt(pageSizeNumber);

/** Procedures that take nothing refuse anything they are sent. */
export const ZNoInput = z.undefined({ error: 'This procedure takes no input' });
