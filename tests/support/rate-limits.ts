/** Rate-limit settings for tests: every action with the same limits unless told otherwise. */
import { RATE_ACTIONS, type RateAction, type RateLimit, type RateLimitSettings } from '@/server/ratelimit';

export function testRateLimits(
  every: RateLimit,
  some: Partial<Record<RateAction, Partial<RateLimit>>> = {},
  enabled = true,
): RateLimitSettings {
  const limits = Object.fromEntries(RATE_ACTIONS.map((a) => [a, { ...every, ...some[a] }])) as Record<RateAction, RateLimit>;
  return { enabled, limits };
}

/** Limits no test reaches (rate limiting on, but not what the test is about). */
export const roomyRateLimits = () => testRateLimits({ perIp: 1_000_000, perEmail: 1_000_000, windowSec: 10 });
