import type { Client } from '@temporalio/client';
import { connectMongo } from '@models/connection';
import { env } from '@/env';
import type { EngineDeps } from '@/engine/deps';
import { createScriptedRedis, saleScripts } from '@/engine/scripts';
import { createTemporalClient } from '@/engine/temporal';
import { createBackground } from '@/engine/background';
import { engineConfigFromEnv, mongoSettingsFromEnv } from '@/config';
import { powSettingsFromEnv, type PowSettings } from './bot/pow';

/** What services need from the outside world; the app builds it from env, tests build their own. */
export interface AppDeps extends EngineDeps {
  /** Resolves once MongoDB is connected (idempotent). */
  mongo: () => Promise<unknown>;
  /** Bot defence: whether a buy needs a proof of work, and the challenges' key and difficulty. */
  pow: PowSettings;
}

/** A Temporal client connected on first use; a failed connect is retried on the next use. */
export function lazyTemporal(connect: () => Promise<Client>): () => Promise<Client> {
  let client: Promise<Client> | undefined;
  return () =>
    (client ??= connect().catch((err: unknown) => {
      client = undefined;
      throw err;
    }));
}

// Kept on globalThis so Next's dev reloads (and its server bundle beside the custom server) share
// one set of connections.
const holder = globalThis as unknown as { flashSaleDeps?: AppDeps };

export function defaultDeps(): AppDeps {
  if (!holder.flashSaleDeps) {
    const redis = createScriptedRedis(env.REDIS_URL);
    holder.flashSaleDeps = {
      redis,
      scripts: saleScripts(redis),
      temporal: lazyTemporal(() => createTemporalClient(env.TEMPORAL_ADDRESS, env.TEMPORAL_NAMESPACE)),
      background: createBackground({ maxInFlight: env.TEMPORAL_MESSAGES_IN_FLIGHT }),
      mongo: () => connectMongo(mongoSettingsFromEnv()),
      config: engineConfigFromEnv(),
      pow: powSettingsFromEnv(),
    };
  }
  return holder.flashSaleDeps;
}
