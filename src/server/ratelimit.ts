/**
 * Fixed-window rate limits in Redis, per caller address and per buyer email, for buy and confirm
 * (REST and tRPC) and admin sign-in (REST). One round trip per check: INCR + EXPIRE NX of each
 * counter in one MULTI. Limits come from env (RATE_LIMIT_*) and can be switched off, since a load
 * test sends everything from one address.
 */
import type { Redis } from 'ioredis';
import { env } from '@/env';
import type { AppDeps } from './deps';
import { RateLimitedError } from './errors';
import { rateLimitKey } from '@/engine/keys';
import { appMetrics } from '@/engine/metrics';

export type RateAction = 'buy' | 'confirm' | 'signin';

export interface RateLimitSettings {
  enabled: boolean;
  windowSec: number;
  /** Requests allowed per window; `perEmail: 0` means the action has no per-email limit. */
  limits: Record<RateAction, { perIp: number; perEmail: number }>;
}

export const rateLimitSettings = (): RateLimitSettings => ({
  enabled: env.RATE_LIMIT_ENABLED,
  windowSec: env.RATE_LIMIT_WINDOW_SECONDS,
  limits: {
    buy: { perIp: env.RATE_LIMIT_BUY_PER_IP, perEmail: env.RATE_LIMIT_BUY_PER_EMAIL },
    confirm: { perIp: env.RATE_LIMIT_CONFIRM_PER_IP, perEmail: env.RATE_LIMIT_CONFIRM_PER_EMAIL },
    signin: { perIp: env.RATE_LIMIT_SIGNIN_PER_IP, perEmail: 0 },
  },
});

export interface RateSubject {
  ip: string;
  email?: string;
}

/**
 * Counts one request of `action` for the caller; throws RateLimitedError (429, retryAfterSec =
 * seconds left in the window) when a limit is exceeded. The counters of a refused request still
 * count, so hammering does not reopen the window early.
 */
export async function checkRateLimit(
  redis: Redis,
  settings: RateLimitSettings,
  action: RateAction,
  subject: RateSubject,
): Promise<void> {
  if (!settings.enabled) return;
  const { perIp, perEmail } = settings.limits[action];
  const nowMs = Date.now();
  const windowMs = settings.windowSec * 1000;
  const window = Math.floor(nowMs / windowMs);
  const ttlSec = settings.windowSec + 1;

  const checks: { scope: 'ip' | 'email'; key: string; limit: number }[] = [
    { scope: 'ip', key: rateLimitKey(`${action}:ip`, subject.ip, window), limit: perIp },
  ];
  if (perEmail > 0 && subject.email) {
    checks.push({ scope: 'email', key: rateLimitKey(`${action}:email`, subject.email, window), limit: perEmail });
  }
  const tx = redis.multi();
  for (const c of checks) tx.incr(c.key).expire(c.key, ttlSec, 'NX');
  const replies = await tx.exec();
  if (!replies) return; // transaction discarded (connection reset): fail open, the engine still guards stock

  for (let i = 0; i < checks.length; i++) {
    const c = checks[i]!;
    const [err, count] = replies[i * 2]!;
    if (err) throw err;
    if (Number(count) > c.limit) {
      appMetrics().rateLimited.inc({ action, scope: c.scope });
      throw RateLimitedError(Math.max(1, Math.ceil(((window + 1) * windowMs - nowMs) / 1000)));
    }
  }
}

interface RateLimitContext {
  deps: AppDeps;
  ip: string;
  session: { email: string } | null;
}

/**
 * tRPC middleware: `shopperProcedure.use(rateLimit('buy'))`. The email is the session's. The
 * RateLimitedError becomes TOO_MANY_REQUESTS through the domain-error mapping.
 */
export function rateLimit(action: RateAction, settings: () => RateLimitSettings = rateLimitSettings) {
  return async <R>(opts: { ctx: RateLimitContext; next: () => Promise<R> }): Promise<R> => {
    await checkRateLimit(opts.ctx.deps.redis, settings(), action, { ip: opts.ctx.ip, email: opts.ctx.session?.email });
    return opts.next();
  };
}
