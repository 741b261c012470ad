/**
 * One grant attempt for a queued buyer (the grant Lua script: window, stock, Fast Pass). Shared by
 * the buy path (an early buyer's hold need not wait for its workflow to start) and the hold
 * workflow's activity. A buyer told to wait while stock is free is not the Fast Pass head: the
 * dispatcher then promotes the head(s) in FIFO order.
 */
import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { saleScripts } from '../redis/scripts';
import { holdSettings, type EngineConfig } from '../config';
import { dispatchSale } from './dispatcher';

export async function attemptGrant(
  deps: { redis: Redis; temporal: Client; config: EngineConfig },
  saleId: string,
  email: string,
  holdTtlMs = deps.config.holdTtlSec * 1000,
) {
  const r = await saleScripts(deps.redis).grant(saleId, email, { ...holdSettings(deps.config), holdTtlMs });
  if (r.status === 'wait' && r.stock > 0) await dispatchSale(deps, saleId);
  return r;
}
