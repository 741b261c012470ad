/** Reports whether each real service answers; optionally proves a full workflow round trip. */
import mongoose from 'mongoose';
import { mongoServerKind } from '@models/connection';
import type { AppDeps } from '../deps';
import { healthWorkflowId } from '@/engine/contract';

export interface ServiceHealth {
  ok: boolean;
  latencyMs: number;
  detail: string;
}

async function probe(fn: () => Promise<string>): Promise<ServiceHealth> {
  const t0 = performance.now();
  try {
    const detail = await Promise.race([
      fn(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out after 5s')), 5_000)),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - t0), detail };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - t0), detail: (err as Error).message };
  }
}

export async function health(deps: AppDeps, opts: { roundTrip?: boolean } = {}) {
  let mongoKind = 'unknown';
  const [redis, mongo, temporal] = await Promise.all([
    probe(async () => `PING ${await deps.redis.ping()}`),
    probe(async () => {
      await deps.mongo();
      await mongoose.connection.db!.admin().ping();
      mongoKind = await mongoServerKind();
      return `ping ok (${mongoKind})`;
    }),
    probe(async () => {
      const client = await deps.temporal();
      await client.connection.workflowService.getSystemInfo({});
      if (!opts.roundTrip) return `namespace ${deps.config.temporalNamespace}`;
      const nonce = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const result = await client.workflow.execute<(nonce: string) => Promise<string>>('healthWorkflow', {
        taskQueue: deps.config.taskQueue,
        workflowId: healthWorkflowId(nonce),
        args: [nonce],
        workflowExecutionTimeout: '4s',
      });
      if (result !== `pong:${nonce}`) throw new Error(`unexpected workflow result ${String(result)}`);
      return 'workflow round trip ok (worker answering)';
    }),
  ]);
  return { ok: redis.ok && mongo.ok && temporal.ok, services: { redis, mongo, temporal }, mongoKind };
}
