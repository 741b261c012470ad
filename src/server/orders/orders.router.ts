import { setTimeout as sleep } from 'node:timers/promises';
import { adminProcedure, createTRPCRouter, publicProcedure, shopperProcedure } from '../trpc';
import { ZAdminOrdersInput, ZBuyInput, ZByEmailInput } from './orders.schema';
import { ZSaleIdInput } from '../sales/sales.schema';
import { adminList, buy, byEmail, cancel, confirm, position } from './orders.service';
import { ForbiddenError } from '../errors';
import { rateLimit } from '../ratelimit';
import { ZNoInput } from '../common.schema';
import { createPowChallenge, requirePowSolution } from '../bot/pow';

/** Shopper procedures act for the signed-in buyer: the email always comes from the session. */
const buyer = (ctx: { session: { email: string } }, input: { flashSaleId: string }) => ({
  email: ctx.session.email,
  flashSaleId: input.flashSaleId,
});

export const ordersRouter = createTRPCRouter({
  // Bot defence: the proof of work is checked before the buy touches the engine.
  buy: shopperProcedure
    .use(rateLimit('buy'))
    .input(ZBuyInput)
    .mutation(async ({ ctx, input }) => {
      await requirePowSolution(ctx.deps, input.altcha, 'altcha');
      return buy(ctx.deps, buyer(ctx, input));
    }),
  /** A proof-of-work challenge for the next buy (`required`: whether buys need one here). */
  challenge: publicProcedure
    .input(ZNoInput)
    .query(async ({ ctx }) => ({ required: ctx.deps.pow.enabled, challenge: await createPowChallenge(ctx.deps.pow) })),
  position: shopperProcedure.input(ZSaleIdInput).query(({ ctx, input }) => position(ctx.deps, buyer(ctx, input))),
  /**
   * The buyer's position, pushed over SSE whenever it changes (one Redis snapshot every 500 ms on
   * the server; the seconds-left count is left out of the comparison, clients count down locally).
   */
  watch: shopperProcedure.input(ZSaleIdInput).subscription(async function* ({ ctx, input, signal }) {
    let last = '';
    while (!signal?.aborted) {
      const view = await position(ctx.deps, buyer(ctx, input));
      const key = JSON.stringify({ ...view, holdTtlSec: 0 });
      if (key !== last) {
        last = key;
        yield view;
      }
      await sleep(500, undefined, { signal }).catch(() => undefined);
    }
  }),
  confirm: shopperProcedure
    .use(rateLimit('confirm'))
    .input(ZSaleIdInput)
    .mutation(({ ctx, input }) => confirm(ctx.deps, buyer(ctx, input))),
  cancel: shopperProcedure
    .use(rateLimit('cancel'))
    .input(ZSaleIdInput)
    .mutation(({ ctx, input }) => cancel(ctx.deps, buyer(ctx, input))),
  /** A buyer's own orders; admins may look up anyone's. */
  byEmail: shopperProcedure.input(ZByEmailInput.partial()).query(({ ctx, input }) => {
    const email = input.email ?? ctx.session.email;
    if (email !== ctx.session.email && ctx.session.role !== 'admin') throw ForbiddenError();
    return byEmail(ctx.deps, email);
  }),
  adminList: adminProcedure.input(ZAdminOrdersInput).query(({ ctx, input }) => adminList(ctx.deps, input)),
});
