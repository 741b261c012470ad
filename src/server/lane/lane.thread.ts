/**
 * The purchase thread's entry (started by thread-lane.ts): its own Redis and MongoDB connections,
 * from the same environment as the app, and the purchase steps, one message per request.
 */
import { parentPort } from 'node:worker_threads';
import { appMetrics } from '@/engine/metrics';
import { laneDepsFromEnv } from '../deps';
import { buyStep, confirmStep, type PurchaseStepInput } from '../orders/purchase-steps';
import { describeLaneError, type LaneAnswer, type LaneCall, type LaneOp } from './lane-protocol';

const port = parentPort;
if (!port) throw new Error('lane.thread.ts runs as a worker thread (see thread-lane.ts)');

const deps = laneDepsFromEnv();
const ops: Record<LaneOp, (input: unknown) => Promise<unknown>> = {
  buy: (input) => buyStep(deps, input as PurchaseStepInput),
  confirm: (input) => confirmStep(deps, input as PurchaseStepInput),
  // The engine's metrics recorded here (confirm steps, rate limits, ...); the process-wide ones are the main thread's.
  metrics: async () => (await appMetrics().registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('flashsale_')),
};

port.on('message', ({ id, op, input }: LaneCall) => {
  ops[op](input).then(
    (value) => port.postMessage({ id, ok: true, value } satisfies LaneAnswer),
    (err: unknown) => port.postMessage({ id, ok: false, error: describeLaneError(err) } satisfies LaneAnswer),
  );
});
