import { z } from 'zod';
import { createTRPCRouter, publicProcedure } from '../trpc';
import { health } from './health.service';

export const healthRouter = createTRPCRouter({
  check: publicProcedure
    .input(
      z
        .object({ roundTrip: z.boolean().default(false) })
        .strict()
        .default({ roundTrip: false }),
    )
    .query(({ ctx, input }) => health(ctx.deps, input)),
});
