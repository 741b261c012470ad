/**
 * The Temporal worker process: hold and sale workflows plus their activities. Never bundled by
 * Next; start it with `npm run worker` (npm run dev starts it for you).
 */
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { env } from '@/env';
import { createRedis } from '@/server/redis/client';
import { createTemporalClient } from '@/server/temporal/client';
import { defaultConfig, type EngineConfig } from '@/server/config';
import { connectMongo } from '@models/connection';
import { createActivities } from './activities';
import { activityMetricsInterceptor, startWorkerMetricsServer } from '@/server/metrics/worker';

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
  namespace?: string;
}) {
  const redis = createRedis(opts.redisUrl);
  const temporal = await createTemporalClient(env.TEMPORAL_ADDRESS, opts.namespace ?? env.TEMPORAL_NAMESPACE);
  await connectMongo();
  const worker = await Worker.create({
    connection: opts.connection,
    namespace: opts.namespace ?? env.TEMPORAL_NAMESPACE,
    taskQueue: opts.config.taskQueue,
    workflowsPath,
    activities: createActivities({ redis, temporal, config: opts.config }),
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
  const { worker, close } = await createWorker({ connection, config: defaultConfig() });
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
