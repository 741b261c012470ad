/**
 * The one tRPC setup: context, init (superjson, readable zod errors), domain-error mapping, then
 * the three procedure kinds: public, shopper (any signed-in user) and admin.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { AppDeps } from './deps';
import type { Session } from './auth/session';
import { DomainError, TRPC_CODE, unavailableService } from './errors';

export interface Context {
  deps: AppDeps;
  session: Session | null;
  /** Caller address, for rate limits. */
  ip: string;
}

/** "email: must be a valid email address; flashSaleId: ..." */
export const describeZodError = (err: ZodError) =>
  err.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const domain = error.cause instanceof DomainError ? error.cause : null;
    return {
      ...shape,
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zod ? zod.flatten().fieldErrors : undefined,
        domainCode: domain?.code,
      },
    };
  },
});

/**
 * Services throw DomainErrors and inputs fail zod: this is where both become tRPC errors with
 * readable, field-named messages (one mapping table), for HTTP clients and server callers alike.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const res = await next();
  if (res.ok) return res;
  const cause = unavailableService(res.error.cause) ?? res.error.cause;
  if (cause instanceof DomainError) throw new TRPCError({ code: TRPC_CODE[cause.kind], message: cause.message, cause });
  if (cause instanceof ZodError) throw new TRPCError({ code: 'BAD_REQUEST', message: describeZodError(cause), cause });
  return res;
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

export const publicProcedure = t.procedure.use(mapErrors);

export const shopperProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});

export const adminProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.session) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  if (ctx.session.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Admins only' });
  return next({ ctx: { ...ctx, session: ctx.session } });
});
