import { createTRPCRouter, publicProcedure, shopperProcedure } from '../trpc';
import { ZNoInput } from '../common.schema';
import { rateLimit } from '../ratelimit';
import { sendSignInCode } from '../auth/sign-in-codes';
import { ZFirstAdminSignUpInput, ZShopperCodeRequest, ZSignUpStatusInput } from './users.schema';
import { adminExists, signUpFirstAdmin } from './users.service';
import { isSetupTokenValid } from './setup-token';

/**
 * Sign-in itself is next-auth's (src/server/auth/options.ts); these serve the sign-in page (the
 * shopper's code), the sign-up page and the header.
 */
export const usersRouter = createTRPCRouter({
  /** Mails a one-time sign-in code to the email (rate limited per address and per email). */
  requestSignInCode: publicProcedure
    .input(ZShopperCodeRequest)
    .use(rateLimit('code', (input) => (input as { email: string }).email))
    .mutation(({ ctx, input }) => sendSignInCode(ctx.deps, input)),
  /** What the sign-up page shows: the form only with a valid setup link while no admin exists. */
  signUpStatus: publicProcedure.input(ZSignUpStatusInput).query(async ({ ctx, input }) => ({
    linkValid: isSetupTokenValid(input.token),
    adminExists: await adminExists(ctx.deps),
  })),
  /**
   * Creates the first admin: needs the setup token (FORBIDDEN without it) and is refused
   * (ADMIN_EXISTS) once any admin exists. The page then signs in.
   */
  signUpFirstAdmin: publicProcedure
    .input(ZFirstAdminSignUpInput)
    .mutation(async ({ ctx, input }) => ({ email: (await signUpFirstAdmin(ctx.deps, input)).email })),
  me: shopperProcedure.input(ZNoInput).query(({ ctx }) => ctx.session),
});
