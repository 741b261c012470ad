import { env } from '@/env';
import type { EngineConfig } from '@/engine/config';
import type { PowSettings } from './bot/pow';

/** The engine's settings from the environment (app and worker); tests build their own. */
export const engineConfigFromEnv = (): EngineConfig => ({
  holdTtlSec: env.HOLD_TTL_SECONDS,
  holdGraceSec: env.HOLD_GRACE_SECONDS,
  fastPassPercent: env.FAST_PASS_PERCENT,
  lockTtlMs: env.CRITICAL_LOCK_TTL_MS,
  confirmLeaseMs: env.CONFIRM_LEASE_MS,
  queueRecheckSec: env.QUEUE_RECHECK_SECONDS,
  saleTickSec: env.SALE_TICK_SECONDS,
  taskQueue: env.TEMPORAL_TASK_QUEUE,
  temporalUiUrl: env.TEMPORAL_UI_URL,
  temporalNamespace: env.TEMPORAL_NAMESPACE,
  faultPoint: env.FAULT_POINT,
});

export const mongoSettingsFromEnv = () => ({ uri: env.MONGODB_URI, dbName: env.MONGO_DB });

/** Bot defence (BOT_CHALLENGE*): the proof-of-work a buy needs; tests build their own. */
export const powSettingsFromEnv = (): PowSettings => ({
  enabled: env.BOT_CHALLENGE === 'pow',
  hmacKey: env.BOT_CHALLENGE_HMAC_KEY,
  maxNumber: env.BOT_CHALLENGE_MAX_NUMBER,
  expiresSec: env.BOT_CHALLENGE_EXPIRES_SECONDS,
});
