/**
 * The Temporal worker process: hold and sale workflows plus their activities. Never bundled by
 * Next; start it with `npm run worker` (npm run dev starts it for you).
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { connectMongo } from '@models/connection';
import { env } from '@/env';
import type { EngineConfig } from '@/engine/config';
import { createBackground } from '@/engine/background';
import { createScriptedRedis, saleScripts } from '@/engine/scripts';
import { createTemporalClient } from '@/engine/temporal';
import { engineConfigFromEnv, mongoSettingsFromEnv } from '@/config';
import { createActivities } from './activities';
import { activityMetricsInterceptor, startWorkerMetricsServer } from './metrics';

export const workflowsPath = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));

let runtimeReady = false;
/**
 * Warnings and errors only: the SDK's INFO lines (bundle stats, state changes) drown real output.
 * Must run before the first NativeConnection.
 */
export function quietRuntime() {
  if (runtimeReady) return;
  runtimeReady = true;
  Runtime.install({ logger: new DefaultLogger(env.TEMPORAL_LOG_LEVEL) });
}

/** Builds a worker on the given connection (the tests use this too, with short holds). */
export async function createWorker(opts: {
  connection: NativeConnection;
  config: EngineConfig;
  redisUrl?: string;
  temporalAddress?: string;
  namespace?: string;
}) {
  const namespace = opts.namespace ?? env.TEMPORAL_NAMESPACE;
  const redis = createScriptedRedis(opts.redisUrl ?? env.REDIS_URL);
  const temporal = await createTemporalClient(opts.temporalAddress ?? env.TEMPORAL_ADDRESS, namespace);
  await connectMongo(mongoSettingsFromEnv());
  const worker = await Worker.create({
    connection: opts.connection,
    namespace,
    taskQueue: opts.config.taskQueue,
    workflowsPath,
    activities: createActivities({
      redis,
      scripts: saleScripts(redis),
      temporal: async () => temporal,
      background: createBackground({ maxInFlight: env.TEMPORAL_MESSAGES_IN_FLIGHT }),
      config: opts.config,
    }),
    // WORKER_CONCURRENCY (the original system's knob): activities this worker runs at once.
    maxConcurrentActivityTaskExecutions: env.WORKER_CONCURRENCY,
    interceptors: { activity: [activityMetricsInterceptor] },
  });
  const close = async () => {
    redis.disconnect();
    await temporal.connection.close();
  };
  return { worker, close };
}

async function main() {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: env.TEMPORAL_ADDRESS });
  const { worker, close } = await createWorker({ connection, config: engineConfigFromEnv() });
  // Prometheus scrapes the worker on its own port (grants, expiries, confirms, activity latency).
  const metrics = env.WORKER_METRICS_PORT
    ? await startWorkerMetricsServer(env.WORKER_METRICS_PORT, env.HOST).catch((err: Error) => {
        console.warn(`[worker] metrics endpoint not started (port ${env.WORKER_METRICS_PORT}): ${err.message}`);
        return undefined;
      })
    : undefined;
  if (metrics) console.log(`[worker] metrics on http://localhost:${env.WORKER_METRICS_PORT}/api/metrics`);
  console.log(`[worker] polling task queue "${env.TEMPORAL_TASK_QUEUE}" on ${env.TEMPORAL_ADDRESS}`);
  await worker.run();
  metrics?.close();
  await close();
  await connection.close();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error('[worker] fatal:', err);
    process.exit(1);
  });
}
