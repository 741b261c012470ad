import { Redis } from 'ioredis';
import { env } from '@/env';

/** A new ioredis connection; fails fast instead of queueing commands forever when Redis is down. */
export function createRedis(url: string = env.REDIS_URL): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    connectTimeout: 5_000,
    lazyConnect: false,
  });
}

const globalForRedis = globalThis as unknown as { flashSaleRedis?: Redis };

/** The process-wide connection (kept on globalThis so Next's dev reloads do not leak sockets). */
export function getRedis(): Redis {
  globalForRedis.flashSaleRedis ??= createRedis();
  return globalForRedis.flashSaleRedis;
}
