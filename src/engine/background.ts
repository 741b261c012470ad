/**
 * Work the engine does off the request path, in order of arrival, a bounded number at a time, with
 * retries: workflow starts and signals, and dispatcher runs. Under a flash crowd the Temporal
 * server has a backlog, and no shopper's answer may wait on it. Work lost here (a crash) is made
 * good elsewhere: the dispatcher signal-with-starts every buyer it promotes, and the sale
 * workflow's sweeper finishes or releases holds whose workflow never ran.
 */
import { metrics } from './metrics';

interface Job {
  key: string;
  run: () => Promise<unknown>;
  attempt: number;
}

export interface BackgroundOptions {
  maxInFlight?: number;
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to 5 s. */
  retryDelayMs?: number;
}

export function createBackground({ maxInFlight = 32, maxAttempts = 10, retryDelayMs = 200 }: BackgroundOptions = {}) {
  const pending: Job[] = [];
  /** Keys of jobs not started yet: a job already running may have delivered, so it does not count. */
  const waiting = new Set<string>();
  let total = 0;
  let inFlight = 0;
  let failures = 0;
  let idle: (() => void)[] = [];

  const gauge = () => metrics().appMetrics.messagesPending.set(total);

  function pump() {
    while (inFlight < maxInFlight && pending.length) {
      const job = pending.shift()!;
      waiting.delete(job.key);
      inFlight++;
      job
        .run()
        .then(
          finish,
          (err: unknown) => {
            if (++job.attempt < maxAttempts) {
              const delay = Math.min(5_000, retryDelayMs * 2 ** (job.attempt - 1));
              setTimeout(() => {
                pending.push(job);
                pump();
              }, delay).unref();
            } else {
              if (failures++ % 100 === 0) console.error(`[engine] gave up on ${job.key} after ${maxAttempts} attempts (${failures} so far):`, (err as Error)?.message ?? err);
              finish();
            }
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  function finish() {
    total--;
    gauge();
    if (total === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  }

  return {
    /** Runs `run` soon; a job with the same key still waiting to start makes this a no-op. */
    run(key: string, run: () => Promise<unknown>): void {
      if (waiting.has(key)) return;
      waiting.add(key);
      total++;
      gauge();
      pending.push({ key, run, attempt: 0 });
      pump();
    },
    /** Jobs waiting, running or waiting to retry. */
    get size() {
      return total;
    },
    /** Resolves once nothing is left (tests, shutdown). */
    drained(): Promise<void> {
      return total === 0 ? Promise.resolve() : new Promise((resolve) => idle.push(resolve));
    },
  };
}

export type Background = ReturnType<typeof createBackground>;
