import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Compare-and-delete: only the owner of the token may release the lock.
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Runs `fn` under a Redis lock (SET NX PX with a random token). Waits up to `waitMs` for a busy
 * lock; returns undefined when it could not be had (the caller's work is done by the holder or by
 * the next periodic tick).
 */
export async function withLock<T>(
  redis: Redis,
  key: string,
  ttlMs: number,
  fn: () => Promise<T>,
  waitMs = ttlMs * 2,
): Promise<T | undefined> {
  const token = randomUUID();
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') break;
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
  }
  try {
    return await fn();
  } finally {
    await redis.eval(RELEASE, 1, key, token);
  }
}
