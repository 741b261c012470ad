import { adminProcedure, createTRPCRouter, publicProcedure } from '../trpc';
import { ZCreateSaleInput, ZExtendSaleInput, ZListSalesInput, ZSaleIdInput, ZSaleRefInput, ZUpdateSaleInput } from './sales.schema';
import { createSale, deleteSale, extendSale, getSale, listSales, pauseSale, resumeSale, updateSale } from './sales.service';
import { publicSale } from './public-sale';
import { ZNoInput } from '../common.schema';

export const salesRouter = createTRPCRouter({
  public: publicProcedure.input(ZSaleIdInput).query(({ ctx, input }) => publicSale(ctx.deps, input.flashSaleId)),
  /** Live and upcoming sales for the shop front. */
  listPublic: publicProcedure.input(ZNoInput).query(async ({ ctx }) => {
    const sales = await listSales(ctx.deps, 'all');
    return sales.filter((s) => s.status !== 'ended').sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  }),
  list: adminProcedure.input(ZListSalesInput).query(({ ctx, input }) => listSales(ctx.deps, input.scope)),
  get: adminProcedure.input(ZSaleRefInput).query(({ ctx, input }) => getSale(ctx.deps, input.id)),
  create: adminProcedure.input(ZCreateSaleInput).mutation(({ ctx, input }) => createSale(ctx.deps, input)),
  update: adminProcedure.input(ZUpdateSaleInput).mutation(({ ctx, input }) => updateSale(ctx.deps, input)),
  delete: adminProcedure.input(ZSaleRefInput).mutation(({ ctx, input }) => deleteSale(ctx.deps, input.id)),
  pause: adminProcedure.input(ZSaleRefInput).mutation(({ ctx, input }) => pauseSale(ctx.deps, input.id)),
  resume: adminProcedure.input(ZSaleRefInput).mutation(({ ctx, input }) => resumeSale(ctx.deps, input.id)),
  extend: adminProcedure.input(ZExtendSaleInput).mutation(({ ctx, input }) => extendSale(ctx.deps, input)),
});
