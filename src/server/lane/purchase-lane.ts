/**
 * The purchase lane: where a buy's and a confirm's Redis and MongoDB steps run
 * (src/server/orders/purchase-steps.ts). One call per request, whatever the number of round
 * trips inside. The app runs them in a thread of its own (thread-lane.ts); everything else
 * (tests, scripts, Next's server bundle until the custom server installs the thread) runs them
 * in-process, with the same code and the same answers.
 */
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { BuyReply } from '@/engine/scripts';
import { buyStep, confirmStep, type ConfirmStepResult, type LaneDeps, type PurchaseStepInput } from '../orders/purchase-steps';

export type LaneMetrics = MetricObjectWithValues<MetricValue<string>>[];

export interface PurchaseLane {
  buy(input: PurchaseStepInput): Promise<BuyReply>;
  confirm(input: PurchaseStepInput): Promise<ConfirmStepResult>;
  /** Metrics the lane recorded in a registry of its own (a thread's), to merge into the app's; none in-process. */
  metrics(): Promise<LaneMetrics>;
  close(): Promise<void>;
}

export const inProcessLane = (deps: LaneDeps): PurchaseLane => ({
  buy: (input) => buyStep(deps, input),
  confirm: (input) => confirmStep(deps, input),
  metrics: async () => [],
  close: async () => {},
});
