// A short probe of bare workflow starts on a Temporal server (nothing polls their task queue, so
// the start alone is timed, as a buy's background start is), run after the scenario on a quiet
// stack: the servers' start rates side by side, measured the same way.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';

export interface StartProbe {
  starts: number;
  concurrency: number;
  perSec: number;
  p50Ms: number;
  p95Ms: number;
  errors: number;
}

const quantile = (sorted: number[], q: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! : NaN;

export async function probeStarts(client: Client, count: number, concurrency = 50): Promise<StartProbe> {
  const taskQueue = `bench-start-probe-${randomUUID().slice(0, 8)}`;
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        const s = performance.now();
        try {
          await client.workflow.start('healthWorkflow', {
            taskQueue,
            workflowId: `${taskQueue}-${i}`,
            args: ['probe'],
            // Never run: they time out on their own instead of lingering on a shared server.
            workflowExecutionTimeout: '1 minute',
          });
          latencies.push(performance.now() - s);
        } catch {
          errors++;
        }
      }
    }),
  );
  const wallMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return {
    starts: latencies.length,
    concurrency,
    perSec: (latencies.length / wallMs) * 1000,
    p50Ms: quantile(latencies, 0.5),
    p95Ms: quantile(latencies, 0.95),
    errors,
  };
}
