import { z } from 'zod';
import { ZEmail, ZPage, ZPageSize, ZSaleId } from '../common.schema';
import { PAYMENT_STATUSES } from '@models/constants';
import { ZSaleIdInput } from '../sales/sales.schema';

/** The original system's shape: the buyer names themselves by email (REST); tRPC takes it from the session. */
export const ZBuyerInput = z.object({ email: ZEmail, flashSaleId: ZSaleId }).strict();
export type TBuyerInput = z.infer<typeof ZBuyerInput>;

/**
 * tRPC buy: with the bot defence on (BOT_CHALLENGE=pow), `altcha` carries a solved proof-of-work
 * challenge (the altcha widget's payload; REST sends it in the X-Altcha header).
 */
export const ZBuyInput = ZSaleIdInput.extend({
  altcha: z.string().max(4096).optional().describe('A solved ALTCHA challenge (orders.challenge): required when BOT_CHALLENGE=pow'),
}).strict();

export const ZByEmailInput = z.object({ email: ZEmail }).strict();

/** The orders table's filters (tRPC; REST reads the same from its query string, see rest.schema.ts). */
export const ZAdminOrdersFilters = z.object({
  flashSaleId: ZSaleId.optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  /** Whole address, any case (matched exactly). */
  email: z.string().trim().max(254).optional(),
});

export const ZAdminOrdersInput = ZAdminOrdersFilters.extend({ page: ZPage, pageSize: ZPageSize }).strict();
export type TAdminOrdersInput = z.infer<typeof ZAdminOrdersInput>;
