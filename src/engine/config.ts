/**
 * Engine settings. The engine never reads the environment: the app and the worker build this from
 * `src/env.ts`, tests build their own (seconds-long holds).
 */
export interface EngineConfig {
  holdTtlSec: number;
  holdGraceSec: number;
  fastPassPercent: number;
  lockTtlMs: number;
  /** How long a confirm owns a confirming hold before someone else may finish it. */
  confirmLeaseMs: number;
  queueRecheckSec: number;
  saleTickSec: number;
  taskQueue: string;
  temporalUiUrl: string;
  temporalNamespace: string;
  /** Test-only: the name of a step where this process stops dead (see faults.ts). */
  faultPoint?: string;
}

export interface HoldSettings {
  holdTtlMs: number;
  graceMs: number;
  fastPassPercent: number;
}

export const holdSettings = (c: EngineConfig) => ({
  holdTtlMs: c.holdTtlSec * 1000,
  graceMs: c.holdGraceSec * 1000,
  fastPassPercent: c.fastPassPercent,
  leaseMs: c.confirmLeaseMs,
  recheckMs: c.queueRecheckSec * 1000,
});

export const fastPassThreshold = (initial: number, percent: number) => Math.max(1, Math.ceil((initial * percent) / 100));
