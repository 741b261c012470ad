import { adminProcedure, createTRPCRouter } from '../trpc';
import { ZSaleIdInput } from '../sales/sales.schema';
import { overview } from './queue.service';

export const queueRouter = createTRPCRouter({
  overview: adminProcedure.input(ZSaleIdInput).query(({ ctx, input }) => overview(ctx.deps, input.flashSaleId)),
});
