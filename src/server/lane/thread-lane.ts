/**
 * The purchase lane in a worker thread: the app's buys and confirms run their Redis and MongoDB
 * round trips on an event loop that serves nothing else (lane.thread.ts), so under a flash crowd
 * they are not each queued behind the page reads of the main loop; the request costs the main
 * loop one message out and one back. Errors come back as what they were (a DomainError stays
 * one; a connection failure keeps the name and message that make it a 503). When the thread
 * dies, its requests in flight answer 503 (a confirm it had claimed is finished by its hold
 * workflow at the lease's end) and the next request starts a new one.
 */
import { Worker } from 'node:worker_threads';
import { env } from '@/env';
import { ServiceUnavailableError } from '@/engine/errors';
import type { AppDeps } from '../deps';
import type { LaneMetrics, PurchaseLane } from './purchase-lane';
import { errorFromLane, type LaneAnswer, type LaneCall, type LaneOp } from './lane-protocol';

const THREAD_ENTRY = new URL('./lane.thread.ts', import.meta.url).href;
// tsx's loader does not carry over into worker threads: the thread registers it, then loads its entry.
const BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(THREAD_ENTRY)}); })`;

export function startThreadLane(): PurchaseLane {
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let worker: Worker | undefined;
  let seq = 0;
  /** The thread close() ends (its exit is expected, not logged). */
  let ending: Worker | undefined;

  const spawn = (): Worker => {
    const w = new Worker(BOOT, { eval: true, name: 'purchase-lane' });
    w.unref(); // the HTTP server keeps the app alive, not this thread
    w.on('message', (a: LaneAnswer) => {
      const p = pending.get(a.id);
      if (!p) return;
      pending.delete(a.id);
      if (a.ok) p.resolve(a.value);
      else p.reject(errorFromLane(a.error));
    });
    w.on('error', (err) => console.error('[lane] the purchase thread failed:', err));
    w.on('exit', (code) => {
      if (worker === w) worker = undefined;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(ServiceUnavailableError('The purchase service is restarting'));
      }
      if (ending !== w) console.error(`[lane] the purchase thread exited (code ${code}); the next request starts a new one`);
    });
    return w;
  };

  const call = <T>(op: LaneOp, input?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      (worker ??= spawn()).postMessage({ id, op, input } satisfies LaneCall);
    });

  worker = spawn(); // ready before the first buyer
  return {
    buy: (input) => call('buy', input),
    confirm: (input) => call('confirm', input),
    metrics: () => (worker ? call<LaneMetrics>('metrics') : Promise.resolve([])),
    // Ends the thread now (its requests in flight answer 503); a later call starts a new one.
    close: async () => {
      ending = worker;
      await worker?.terminate();
    },
  };
}

/** The app's lane, as PURCHASE_LANE says: a thread of its own (the default), or in-process (`inline`). */
export function installPurchaseLane(deps: AppDeps): void {
  if (env.PURCHASE_LANE === 'inline') return;
  deps.lane = startThreadLane();
  console.log('[lane] buys and confirms run their Redis and MongoDB steps in a thread of their own (PURCHASE_LANE=thread)');
}
