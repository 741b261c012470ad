/**
 * One sale's lifecycle: upcoming -> open -> closed. While open it ticks the dispatcher (promotes
 * queue heads when stock is free and sweeps holds whose workflow is gone); at the end it records
 * the final figures. Edits of the window arrive as a `reschedule` signal.
 */
import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  rescheduleSignal,
  saleStateQuery,
  stopSaleSignal,
  type SaleArgs,
  type SaleFigures,
  type SalePhase,
} from '../../src/engine/contract';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
});

export async function saleWorkflow(args: SaleArgs): Promise<SaleFigures | null> {
  let { startsAtMs, endsAtMs } = args;
  let phase: SalePhase = 'upcoming';
  let stopped = false;
  let changed = false;

  setHandler(saleStateQuery, () => ({ phase, startsAtMs, endsAtMs }));
  setHandler(rescheduleSignal, (w) => {
    ({ startsAtMs, endsAtMs } = w);
    changed = true;
  });
  setHandler(stopSaleSignal, () => {
    stopped = true;
  });

  const sleepUntil = async (atMs: number) => {
    changed = false;
    return condition(() => stopped || changed, Math.max(0, atMs - Date.now()));
  };

  await acts.syncSale(args.saleId);
  while (!stopped && Date.now() < startsAtMs) await sleepUntil(startsAtMs);

  phase = 'open';
  let ticks = 0;
  while (!stopped && Date.now() < endsAtMs) {
    const { waiting } = await acts.tickSale(args.saleId);
    await sleepUntil(Math.min(endsAtMs, Date.now() + (waiting ? args.tickMs : args.idleTickMs)));
    if (++ticks >= 500 || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof saleWorkflow>({ ...args, startsAtMs, endsAtMs });
    }
  }
  if (stopped) {
    phase = 'deleted';
    return null;
  }
  phase = 'closed';
  return acts.closeSale(args.saleId);
}
