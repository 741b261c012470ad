import { z } from 'zod';
import { ZEmail, ZPage, ZPageSize, ZSaleId } from '../common.schema';
import { PAYMENT_STATUSES } from '@models/constants';

/** Seed-compatible shape: the buyer names themselves by email (REST); tRPC takes it from the session. */
export const ZBuyerInput = z.object({ email: ZEmail, flashSaleId: ZSaleId }).strict();
export type TBuyerInput = z.infer<typeof ZBuyerInput>;

/** tRPC shopper procedures: the email comes from the signed-in session. */
export const ZSaleOnlyInput = z.object({ flashSaleId: ZSaleId }).strict();

export const ZByEmailInput = z.object({ email: ZEmail }).strict();

export const ZAdminOrdersInput = z
  .object({
    flashSaleId: ZSaleId.optional(),
    status: z.enum(PAYMENT_STATUSES).optional(),
    email: z.string().trim().max(254).optional(),
    page: ZPage,
    pageSize: ZPageSize,
  })
  .strict();
export type TAdminOrdersInput = z.infer<typeof ZAdminOrdersInput>;
