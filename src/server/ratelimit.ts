/**
 * Rate limits on rate-limiter-flexible's Redis limiter: for each action, one fixed-window counter
 * per client address (src/server/http/client-ip.ts) and one per account (the verified email, or
 * the email a sign-in names), shared by every app process. Limits come from env (RATE_LIMIT_*)
 * and can be switched off, since a load test sends everything from one address. While Redis does
 * not answer, an in-memory limiter per process stands in (the library's insurance limiter), so
 * the limits still hold, per process.
 *
 * Applied where requests come in: the REST route table (`rateLimit` of a route), the tRPC
 * middleware below, and next-auth's sign-in (src/server/auth/options.ts).
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { env } from '@/env';
import type { AppDeps } from './deps';
import { RateLimitedError } from './errors';
import { rateLimitPrefix } from '@/engine/keys';
import { appMetrics } from '@/engine/metrics';

/** Shopper actions (buy, confirm, cancel) and sign-in steps (code sent, code checked, admin password). */
export const RATE_ACTIONS = ['buy', 'confirm', 'cancel', 'code', 'verify', 'signin'] as const;
export type RateAction = (typeof RATE_ACTIONS)[number];

export interface RateLimit {
  /** Requests allowed per window from one address. */
  perIp: number;
  /** Requests allowed per window for one account (email). */
  perEmail: number;
  windowSec: number;
}

export interface RateLimitSettings {
  enabled: boolean;
  limits: Record<RateAction, RateLimit>;
}

export const rateLimitSettings = (): RateLimitSettings => {
  const shop = env.RATE_LIMIT_WINDOW_SECONDS;
  const auth = env.RATE_LIMIT_AUTH_WINDOW_SECONDS;
  return {
    enabled: env.RATE_LIMIT_ENABLED,
    limits: {
      buy: { perIp: env.RATE_LIMIT_BUY_PER_IP, perEmail: env.RATE_LIMIT_BUY_PER_EMAIL, windowSec: shop },
      confirm: { perIp: env.RATE_LIMIT_CONFIRM_PER_IP, perEmail: env.RATE_LIMIT_CONFIRM_PER_EMAIL, windowSec: shop },
      cancel: { perIp: env.RATE_LIMIT_CANCEL_PER_IP, perEmail: env.RATE_LIMIT_CANCEL_PER_EMAIL, windowSec: shop },
      code: { perIp: env.RATE_LIMIT_CODE_PER_IP, perEmail: env.RATE_LIMIT_CODE_PER_EMAIL, windowSec: auth },
      verify: { perIp: env.RATE_LIMIT_VERIFY_PER_IP, perEmail: env.RATE_LIMIT_VERIFY_PER_EMAIL, windowSec: auth },
      signin: { perIp: env.RATE_LIMIT_SIGNIN_PER_IP, perEmail: env.RATE_LIMIT_SIGNIN_PER_EMAIL, windowSec: auth },
    },
  };
};

export interface RateSubject {
  ip: string;
  /** The account; without one only the address is counted. */
  email?: string;
}

type Scope = 'ip' | 'email';

// One limiter per connection, action, scope and limit, made on first use (settings may change
// between calls in tests; production's never do).
const limiters = new WeakMap<Redis, Map<string, RateLimiterRedis>>();

function limiter(redis: Redis, action: RateAction, scope: Scope, points: number, windowSec: number): RateLimiterRedis {
  let byLimit = limiters.get(redis);
  if (!byLimit) limiters.set(redis, (byLimit = new Map<string, RateLimiterRedis>()));
  const id = `${action}:${scope}:${points}:${windowSec}`;
  let l = byLimit.get(id);
  if (!l) {
    const keyPrefix = rateLimitPrefix(action, scope);
    l = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      points,
      duration: windowSec,
      // Redis down: answer from memory at once instead of waiting on a dead connection.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: windowSec }),
    });
    byLimit.set(id, l);
  }
  return l;
}

/**
 * Counts one request of `action` for the caller, per address and per account; throws
 * RateLimitedError (429, retryAfterSec = seconds until the refusing window ends) when a limit is
 * passed. A refused request still counts, so hammering does not reopen the window early.
 */
export async function checkRateLimit(redis: Redis, settings: RateLimitSettings, action: RateAction, subject: RateSubject): Promise<void> {
  if (!settings.enabled) return;
  const { perIp, perEmail, windowSec } = settings.limits[action];
  const checks: { scope: Scope; key: string; points: number }[] = [{ scope: 'ip', key: subject.ip, points: perIp }];
  if (subject.email) checks.push({ scope: 'email', key: subject.email, points: perEmail });
  const results = await Promise.allSettled(checks.map((c) => limiter(redis, action, c.scope, c.points, windowSec).consume(c.key)));
  let retryMs = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') return;
    if (!(r.reason instanceof RateLimiterRes)) throw r.reason;
    appMetrics().rateLimited.inc({ action, scope: checks[i]!.scope });
    retryMs = Math.max(retryMs, r.reason.msBeforeNext);
  });
  if (retryMs > 0) throw RateLimitedError(Math.max(1, Math.ceil(retryMs / 1000)));
}

interface RateLimitContext {
  deps: AppDeps;
  ip: string;
  session: { email: string } | null;
  rateLimits?: () => RateLimitSettings;
}

/**
 * tRPC middleware: `shopperProcedure.use(rateLimit('buy'))` counts the session's account;
 * `emailOf` names the account from the input instead (sign-in steps, used after `.input()`).
 * The RateLimitedError becomes TOO_MANY_REQUESTS through the domain-error mapping.
 */
export function rateLimit(action: RateAction, emailOf?: (input: unknown) => string | undefined) {
  return async <R>(opts: { ctx: RateLimitContext; input?: unknown; next: () => Promise<R> }): Promise<R> => {
    const email = emailOf ? emailOf(opts.input) : opts.ctx.session?.email;
    const settings = (opts.ctx.rateLimits ?? rateLimitSettings)();
    await checkRateLimit(opts.ctx.deps.redis, settings, action, { ip: opts.ctx.ip, email });
    return opts.next();
  };
}
