import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { getRedis } from './redis/client';
import { getTemporal } from './temporal/client';
import { connectMongo } from '@models/connection';
import { defaultConfig, type EngineConfig } from './config';

/** What services need from the outside world; the app builds it from env, tests build their own. */
export interface AppDeps {
  redis: Redis;
  temporal: () => Promise<Client>;
  /** Resolves once MongoDB is connected (idempotent). */
  mongo: () => Promise<unknown>;
  config: EngineConfig;
}

let cached: AppDeps | undefined;

export function defaultDeps(): AppDeps {
  cached ??= { redis: getRedis(), temporal: getTemporal, mongo: () => connectMongo(), config: defaultConfig() };
  return cached;
}
