/**
 * Test harness: the real engine against the real services (env from scripts/services.ts), with
 * a private task queue and an in-process worker per test file, and hold times in seconds.
 */
import { randomUUID } from 'node:crypto';
import { NativeConnection } from '@temporalio/worker';
import { env } from '@/env';
import { createBackground } from '@/engine/background';
import type { EngineConfig } from '@/engine/config';
import { createScriptedRedis, saleScripts } from '@/engine/scripts';
import { createTemporalClient } from '@/engine/temporal';
import { engineConfigFromEnv, mongoSettingsFromEnv } from '@/config';
import { powSettingsFromEnv } from '@/server/bot/pow';
import type { AppDeps } from '@/server/deps';
import { createCaller } from '@/server/root';
import type { Session } from '@/server/auth/session';
import mongoose from 'mongoose';
import { connectMongo, disconnectMongo } from '@models/connection';
import { createSale } from '@/server/sales/sales.service';
import { createWorker, quietRuntime } from '../../temporal/worker';

export const testConfig = (overrides: Partial<EngineConfig> = {}): EngineConfig => ({
  ...engineConfigFromEnv(),
  taskQueue: `test-${randomUUID().slice(0, 8)}`,
  holdTtlSec: 30,
  // The orphan sweeper must not mistake a workflow lagging behind a CPU-starved test worker for
  // a dead one (production: 60 s).
  holdGraceSec: 30,
  queueRecheckSec: 5,
  saleTickSec: 1,
  lockTtlMs: 500,
  ...overrides,
});

export interface Engine {
  deps: AppDeps;
  config: EngineConfig;
  /** The engine's MongoDB database: one of its own, fresh (the stand-in's inserts slow as collections grow). */
  database: string;
  as: (session: Session | null) => ReturnType<typeof createCaller>;
  stopWorker: () => Promise<void>;
  stop: () => Promise<void>;
}

/**
 * Starts the engine; `worker: false` leaves the worker to the test (e.g. a child process);
 * Its MongoDB database is a fresh one of its own (`database` names it); `redisUrl` and
 * `temporalAddress` point it (and its worker) at private servers.
 */
export async function startEngine(
  overrides: Partial<EngineConfig> = {},
  opts: { worker?: boolean; database?: string; redisUrl?: string; temporalAddress?: string } = {},
): Promise<Engine> {
  const config = testConfig(overrides);
  const redisUrl = opts.redisUrl ?? env.REDIS_URL;
  const temporalAddress = opts.temporalAddress ?? env.TEMPORAL_ADDRESS;
  const redis = createScriptedRedis(redisUrl);
  const temporal = await createTemporalClient(temporalAddress, env.TEMPORAL_NAMESPACE);
  const database = opts.database ?? `test_${randomUUID().slice(0, 8)}`;
  const mongo = () => connectMongo({ ...mongoSettingsFromEnv(), dbName: database });
  await mongo();
  const deps: AppDeps = {
    redis,
    scripts: saleScripts(redis),
    temporal: async () => temporal,
    background: createBackground(),
    mongo,
    config,
    pow: powSettingsFromEnv(),
  };

  let stopWorker = async () => {};
  if (opts.worker !== false) {
    quietRuntime();
    const connection = await NativeConnection.connect({ address: temporalAddress });
    const { worker, close } = await createWorker({ connection, config, redisUrl, temporalAddress });
    const running = worker.run();
    stopWorker = async () => {
      stopWorker = async () => {};
      worker.shutdown();
      await running;
      await close();
      await connection.close();
    };
  }
  return {
    deps,
    config,
    database,
    as: (session) => createCaller({ deps, session, ip: '127.0.0.1' }),
    stopWorker: () => stopWorker(),
    stop: async () => {
      await deps.background.drained();
      await stopWorker();
      redis.disconnect();
      await temporal.connection.close();
      // Its database goes with it (the stand-in keeps everything in memory).
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await disconnectMongo();
    },
  };
}

export const admin: Session = { email: 'admin@example.com', role: 'admin' };
export const shopper = (email: string): Session => ({ email, role: 'shopper' });
export const uniqueEmail = (tag = 'buyer') => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

/** A sale that is open now (or starts after `startsInMs`). */
export function openSale(engine: Engine, quantity: number, opts: { startsInMs?: number; endsInMs?: number; price?: number } = {}) {
  const now = Date.now();
  return createSale(engine.deps, {
    name: `Test sale ${randomUUID().slice(0, 6)}`,
    description: 'integration test',
    startingQuantity: quantity,
    pricePerUnit: opts.price ?? 10,
    startsAt: new Date(now + (opts.startsInMs ?? -1000)),
    endsAt: new Date(now + (opts.endsInMs ?? 10 * 60_000)),
  });
}

/**
 * Waits until every hold workflow of a sale has ended: a test that ran a crowd lets its workflows
 * finish, so the next test's workflows do not queue behind them on the Temporal server.
 */
export async function holdWorkflowsEnded(engine: Engine, saleId: string, timeoutMs = 180_000): Promise<void> {
  await engine.deps.background.drained();
  const client = await engine.deps.temporal();
  await waitFor(
    async () => (await client.workflow.count(`SaleId = '${saleId}' AND ExecutionStatus = 'Running'`)).count === 0,
    timeoutMs,
    `the hold workflows of sale ${saleId} to end`,
  );
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, label = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
