/**
 * Work the engine does off the request path, in order of arrival, a bounded number at a time, with
 * retries: workflow starts and signals, and dispatcher runs. Under a flash crowd the Temporal
 * server has a backlog, and no shopper's answer may wait on it. Work lost here (a crash) is made
 * good elsewhere: the dispatcher signal-with-starts every buyer it promotes, and the sale
 * workflow's sweeper finishes or releases holds whose workflow never ran.
 *
 * The bound (TEMPORAL_MESSAGES_IN_FLIGHT) is what a burst may ask of Temporal at once: beyond it,
 * messages wait their turn here (a buyer's workflow starts later; nothing waits on it). A
 * dispatcher run grants units in Redis, so it goes first (`runFirst`), never behind that backlog.
 */
import { metrics } from './metrics';

interface Job {
  key: string;
  /** Jobs of one lane run one after the other, in order (e.g. the messages to one workflow). */
  lane?: string;
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
  /** runFirst keys running now, and those asked for again meanwhile (one more run each). */
  const firstRunning = new Set<string>();
  const firstAgain = new Set<string>();
  /** Keys of jobs not started yet: a job already running may have delivered, so it does not count. */
  const waiting = new Set<string>();
  /** Lanes with a job running or waiting to retry. */
  const busyLanes = new Set<string>();
  let total = 0;
  let inFlight = 0;
  let failures = 0;
  let idle: (() => void)[] = [];

  const gauge = () => metrics().appMetrics.messagesPending.set(total);

  /** The first waiting job whose lane is free, taken off the list. */
  function next(): Job | undefined {
    const i = pending.findIndex((j) => !j.lane || !busyLanes.has(j.lane));
    return i < 0 ? undefined : pending.splice(i, 1)[0];
  }

  function pump() {
    for (let job = inFlight < maxInFlight ? next() : undefined; job; job = inFlight < maxInFlight ? next() : undefined) {
      const j = job;
      waiting.delete(j.key);
      if (j.lane) busyLanes.add(j.lane);
      inFlight++;
      j.run()
        .then(
          () => finish(j),
          (err: unknown) => {
            if (++j.attempt < maxAttempts) {
              // The lane stays busy while it waits: later messages of the lane keep their order.
              const delay = Math.min(5_000, retryDelayMs * 2 ** (j.attempt - 1));
              setTimeout(() => {
                pending.unshift(j);
                if (j.lane) busyLanes.delete(j.lane);
                pump();
              }, delay);
            } else {
              if (failures++ % 100 === 0)
                console.error(
                  `[engine] gave up on ${j.key} after ${maxAttempts} attempts (${failures} so far):`,
                  (err as Error)?.message ?? err,
                );
              finish(j);
            }
          },
        )
        .finally(() => {
          inFlight--;
          pump();
        });
    }
  }

  function enqueue(key: string, run: () => Promise<unknown>, lane?: string): void {
    waiting.add(key);
    total++;
    gauge();
    pending.push({ key, lane, run, attempt: 0 });
    pump();
  }

  function finish(job: Job) {
    if (job.lane) busyLanes.delete(job.lane);
    total--;
    gauge();
    if (total === 0) {
      for (const resolve of idle) resolve();
      idle = [];
    }
  }

  function runFirst(key: string, run: () => Promise<unknown>, attempt = 0): void {
    if (firstRunning.has(key)) {
      firstAgain.add(key);
      return;
    }
    firstRunning.add(key);
    total++;
    gauge();
    const end = (retry: boolean) => {
      firstRunning.delete(key);
      finish({ key, run, attempt });
      if (retry) runFirst(key, run, attempt + 1);
      else if (firstAgain.delete(key)) runFirst(key, run);
    };
    run().then(
      () => end(false),
      (err: unknown) => {
        if (attempt + 1 >= maxAttempts) {
          console.error(`[engine] gave up on ${key} after ${maxAttempts} attempts:`, (err as Error)?.message ?? err);
          return end(false);
        }
        setTimeout(() => end(true), Math.min(5_000, retryDelayMs * 2 ** attempt));
      },
    );
  }

  return {
    /**
     * Runs `run` at once, ahead of the queue and outside its bound; while a run of the same key is
     * going, asking again makes one more run after it (requests meanwhile are that one run).
     */
    runFirst(key: string, run: () => Promise<unknown>): void {
      runFirst(key, run);
    },
    /**
     * Runs `run` soon; a job with the same key still waiting to start makes this a no-op. Jobs of
     * the same `lane` run one at a time, in the order they were asked for.
     */
    run(key: string, run: () => Promise<unknown>, lane?: string): void {
      if (!waiting.has(key)) enqueue(key, run, lane);
    },
    /**
     * The same, unless a job of `lane` is still waiting to start: that one will do (e.g. any
     * message to a workflow makes it read Redis, so a later signal adds nothing).
     */
    runUnlessWaiting(key: string, run: () => Promise<unknown>, lane: string): void {
      if (!waiting.has(key) && !pending.some((j) => j.lane === lane)) enqueue(key, run, lane);
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
