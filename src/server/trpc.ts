/**
 * The one tRPC setup: context, init (superjson, readable zod errors), domain-error mapping, then
 * the three procedure kinds: public, shopper (any signed-in user) and admin.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { AppDeps } from './deps';
import type { Session } from './auth/session';
import type { RateLimitSettings } from './ratelimit';
import { DomainError, TRPC_CODE, unavailableService } from './errors';
import { describeZodError, zodFields } from './input-errors';

export interface Context {
  deps: AppDeps;
  session: Session | null;
  /** Caller address, for rate limits. */
  ip: string;
  /** The rate limits (default: from env, src/server/ratelimit.ts); tests pass their own. */
  rateLimits?: () => RateLimitSettings;
}

/**
 * The message a caller sees. Ours (input problems, domain errors, sign-in and role refusals) are
 * already sentences; what tRPC or a library says about unreadable input, unknown procedures or
 * crashes is replaced by one that says what to do (a crash's cause goes to the log only).
 */
function publicMessage(error: TRPCError, path: string | undefined): string {
  if (error.cause instanceof ZodError || error.cause instanceof DomainError) return error.message;
  const name = path ?? 'this procedure';
  switch (error.code) {
    case 'PARSE_ERROR':
    case 'BAD_REQUEST':
      return 'The input could not be read: send it as JSON in superjson form, {"json": ...}';
    case 'NOT_FOUND':
      return `There is no procedure ${name.slice(0, 100)}`;
    case 'METHOD_NOT_SUPPORTED':
      return `${name} does not take this method: queries are GET, mutations POST`;
    case 'PAYLOAD_TOO_LARGE':
      return 'The request is too large';
    case 'INTERNAL_SERVER_ERROR':
      return 'Something went wrong on our side; please retry';
    default:
      return error.message;
  }
}

/**
 * Field errors for the tRPC answer. superjson refuses to serialise keys named __proto__,
 * constructor or prototype (and the whole answer would become a 500): such fields are named in
 * the message only.
 */
function trpcFieldErrors(err: ZodError): Record<string, string[]> {
  return Object.fromEntries(Object.entries(zodFields(err)).filter(([field]) => !['__proto__', 'constructor', 'prototype'].includes(field)));
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error, path }) {
    const zod = error.cause instanceof ZodError ? error.cause : null;
    const domain = error.cause instanceof DomainError ? error.cause : null;
    return {
      ...shape,
      message: publicMessage(error, path),
      data: {
        ...shape.data,
        stack: undefined,
        fieldErrors: zod ? trpcFieldErrors(zod) : undefined,
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
