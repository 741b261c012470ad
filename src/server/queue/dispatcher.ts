/**
 * The dispatcher: whoever frees or finds capacity (a release, a Fast Pass wait, the sale tick)
 * promotes queue heads in FIFO order under the sale lock, then signals each promoted buyer.
 */
import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { saleKeys } from '../redis/keys';
import { saleScripts, parseHoldEntry, type Grant } from '../redis/scripts';
import { holdSettings, type EngineConfig } from '../config';
import { signalGranted } from '../temporal/holds';
import { withLock } from './lock';

interface DispatchDeps {
  redis: Redis;
  temporal: Client;
  config: EngineConfig;
}

export async function dispatchSale({ redis, temporal, config }: DispatchDeps, saleId: string): Promise<Grant[]> {
  const grants =
    (await withLock(redis, saleKeys(saleId).lock, config.lockTtlMs, () =>
      saleScripts(redis).promote(saleId, holdSettings(config)),
    )) ?? [];
  await Promise.all(grants.map((g) => signalGranted(temporal, config, saleId, g)));
  return grants;
}

/**
 * Releases holds that outlived their end by more than the grace period: their workflow is gone
 * (e.g. terminated by an operator). A live workflow releases its own hold at the end, so this
 * never races one; the release is token-checked anyway.
 */
export async function sweepOrphanHolds({ redis, config }: DispatchDeps, saleId: string): Promise<number> {
  const holds = await redis.hgetall(saleKeys(saleId).holds);
  const cutoff = Date.now() - config.holdGraceSec * 1000;
  let released = 0;
  for (const [email, raw] of Object.entries(holds)) {
    const h = parseHoldEntry(raw);
    if (h && h.expiresAtMs < cutoff && (await saleScripts(redis).release(saleId, email, h.token, 'expired'))) released++;
  }
  return released;
}
