/**
 * Real processes for crash tests: the worker (temporal/worker.ts) and the app's API
 * (tests/support/api-server.ts), started with the test engine's settings so they share its task
 * queue and hold times, and killed with real signals.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Engine } from './engine';

/** The environment that makes a child process run with this engine's configuration and database. */
export function engineEnv({ config, database }: Pick<Engine, 'config' | 'database'>): Record<string, string> {
  return {
    MONGO_DB: database,
    TEMPORAL_TASK_QUEUE: config.taskQueue,
    HOLD_TTL_SECONDS: String(config.holdTtlSec),
    HOLD_GRACE_SECONDS: String(config.holdGraceSec),
    FAST_PASS_PERCENT: String(config.fastPassPercent),
    CRITICAL_LOCK_TTL_MS: String(config.lockTtlMs),
    CONFIRM_LEASE_MS: String(config.confirmLeaseMs),
    QUEUE_RECHECK_SECONDS: String(config.queueRecheckSec),
    SALE_TICK_SECONDS: String(config.saleTickSec),
    RATE_LIMIT_ENABLED: 'false',
    WORKER_METRICS_PORT: '0',
  };
}

export interface Child {
  proc: ChildProcess;
  /** Everything it printed so far. */
  output: () => string;
  /** Resolves once its output matches `re` `count` times. */
  waitFor: (re: RegExp, count?: number, timeoutMs?: number) => Promise<void>;
  /** SIGKILL, and wait until it is gone. */
  kill: () => Promise<void>;
}

function start(args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  proc.stdout.on('data', onData);
  proc.stderr.on('data', onData);
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));

  const waitFor: Child['waitFor'] = (re, count = 1, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
      const check = () => {
        if ((out.match(global)?.length ?? 0) >= count) {
          listeners.delete(check);
          clearTimeout(timer);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(`timed out waiting for ${count} x ${re} from ${args.join(' ')}:\n${out.slice(-2000)}`));
      }, timeoutMs);
      listeners.add(check);
      check();
    });

  const child: Child = {
    proc,
    output: () => out,
    waitFor,
    kill: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  return new Promise((resolve, reject) => {
    proc.once('exit', (code, signal) => reject(new Error(`${args.join(' ')} exited early (${signal ?? code}):\n${out.slice(-2000)}`)));
    waitFor(ready, 1, 120_000).then(() => resolve(child), reject);
  });
}

export const startWorkerProcess = (engine: Engine, extra: Record<string, string> = {}) =>
  start(['temporal/worker.ts'], { ...engineEnv(engine), ...extra }, /\[worker\] polling/);

export const startApiProcess = (engine: Engine, port: number, extra: Record<string, string> = {}) =>
  start(['tests/support/api-server.ts'], { ...engineEnv(engine), PORT: String(port), NODE_ENV: 'test', ...extra }, /\[api\] listening/);
