/**
 * One-line recording helpers for the engine code (services, activities, workflow starts), so a
 * metric call there never grows into metric logic.
 */
import { DomainError } from '../errors';
import { appMetrics, workerMetrics } from './registry';

/** Codes the finalize step throws only after the MongoDB conditional decrement refused a unit. */
const DECREMENT_REFUSALS = new Set(['SOLD_OUT', 'SALE_ENDED']);

const resultOf = (err: unknown) => (err instanceof DomainError ? err.code : 'error');

/** App: a buy's queue outcome (join script status). */
export const recordBuy = (result: string) => appMetrics().buys.inc({ result });

const guardReason = (code: string) => (code === 'SOLD_OUT' ? 'no_stock' : 'outside_window');

/** App: the outcome of a confirm that reached the hold workflow; pass the error when it failed. */
export function recordConfirm(err?: unknown): void {
  const m = appMetrics();
  const result = err === undefined ? 'paid' : resultOf(err);
  m.confirms.inc({ result });
  if (DECREMENT_REFUSALS.has(result)) m.oversellGuard.inc({ reason: guardReason(result) });
}

/** App and worker: starts a workflow-start timer; call the returned function once the start is acknowledged. */
export const timeWorkflowStart = (op: 'start' | 'signal_with_start') => appMetrics().workflowStart.startTimer({ op });

/** Worker: a hold workflow took its hold. */
export const recordGrant = () => workerMetrics().grants.inc();

/** Worker: a hold went back to stock (only counted when the release script actually released it). */
export function recordRelease(outcome: string, released: boolean): void {
  if (!released) return;
  const m = workerMetrics();
  m.releases.inc({ outcome });
  if (outcome === 'expired') m.expiries.inc();
}

/** Worker: the finalize activity's outcome; pass the error when it failed. */
export function recordFinalize(err?: unknown): void {
  const m = workerMetrics();
  const result = err === undefined ? 'paid' : resultOf(err);
  m.confirms.inc({ result });
  if (DECREMENT_REFUSALS.has(result)) m.oversellGuard.inc({ reason: guardReason(result) });
}
