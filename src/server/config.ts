import { env } from '@/env';
import type { HoldSettings } from './redis/scripts';

/** Engine settings, from env by default; tests build their own (seconds-long holds). */
export interface EngineConfig {
  holdTtlSec: number;
  holdGraceSec: number;
  fastPassPercent: number;
  lockTtlMs: number;
  queueRecheckSec: number;
  saleTickSec: number;
  taskQueue: string;
  temporalUiUrl: string;
  temporalNamespace: string;
}

export const defaultConfig = (): EngineConfig => ({
  holdTtlSec: env.HOLD_TTL_SECONDS,
  holdGraceSec: env.HOLD_GRACE_SECONDS,
  fastPassPercent: env.FAST_PASS_PERCENT,
  lockTtlMs: env.CRITICAL_LOCK_TTL_MS,
  queueRecheckSec: env.QUEUE_RECHECK_SECONDS,
  saleTickSec: env.SALE_TICK_SECONDS,
  taskQueue: env.TEMPORAL_TASK_QUEUE,
  temporalUiUrl: env.TEMPORAL_UI_URL,
  temporalNamespace: env.TEMPORAL_NAMESPACE,
});

export const holdSettings = (c: EngineConfig): HoldSettings => ({
  holdTtlMs: c.holdTtlSec * 1000,
  graceMs: c.holdGraceSec * 1000,
  fastPassPercent: c.fastPassPercent,
});

export const fastPassThreshold = (initial: number, percent: number) => Math.max(1, Math.ceil((initial * percent) / 100));
