import { createTRPCRouter, publicProcedure, shopperProcedure } from '../trpc';
import { ZAdminSignUpInput } from './users.schema';
import { adminExists, signUpFirstAdmin } from './users.service';

/** Sign-in itself is next-auth's (src/server/auth/options.ts); these serve the sign-up page and the header. */
export const usersRouter = createTRPCRouter({
  /** Whether the first-admin sign-up is still open. */
  signUpOpen: publicProcedure.query(async ({ ctx }) => ({ open: !(await adminExists(ctx.deps)) })),
  /** Creates the first admin; refused (ADMIN_EXISTS) once any admin exists. The page then signs in. */
  signUpFirstAdmin: publicProcedure
    .input(ZAdminSignUpInput)
    .mutation(async ({ ctx, input }) => ({ email: (await signUpFirstAdmin(ctx.deps, input)).email })),
  me: shopperProcedure.query(({ ctx }) => ctx.session),
});
