/**
 * One buyer's place in one sale: queued -> held (-> confirming) -> confirmed | expired | cancelled,
 * or it ends queued as sold_out / closed. Redis decides every step (the `holdStep` activity runs the
 * step Lua script); this workflow guarantees the steps happen: a durable timer to the hold's
 * deadline, and a confirm whose app died is finished. It is woken by signals (granted, confirmed,
 * cancel, saleClosed) and never polls; a queued buyer re-checks on a coarse timer as a backstop.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  ArrivalSeqAttr,
  arrivalSeq,
  cancelSignal,
  confirmedSignal,
  grantedSignal,
  holdStateQuery,
  HoldStateAttr,
  saleClosedSignal,
  type HoldArgs,
  type HoldOutcome,
  type HoldState,
} from '../../src/engine/contract';

// A local activity runs inside the workflow task: a step costs no extra server round trip, so an
// expired unit reaches the next buyer that much sooner. Steps are idempotent (Redis decides).
const { holdStep } = proxyLocalActivities<Activities>({
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

export async function holdWorkflow(args: HoldArgs): Promise<HoldOutcome> {
  const { saleId, email } = args;
  let state: HoldState = 'queued';
  // The HoldState search attribute as set (at the start, or since): upserted only when it changes.
  let announced = workflowInfo().typedSearchAttributes.get(HoldStateAttr) ?? 'queued';
  let token: string | undefined;
  let expiresAtMs: number | undefined;
  let arrival: number | undefined;
  let waiting = false;
  // What ArrivalSeq says now (set at the start): kept current when the waiting room's opening
  // gives this buyer their place, so a restore rebuilds the queue in the drawn order.
  let seq = workflowInfo().typedSearchAttributes.get(ArrivalSeqAttr);
  let woken = false;
  let cancelRequested = false;

  const wake = () => {
    woken = true;
  };
  setHandler(grantedSignal, wake);
  setHandler(confirmedSignal, wake);
  setHandler(saleClosedSignal, wake);
  setHandler(cancelSignal, () => {
    cancelRequested = true;
    woken = true;
  });
  setHandler(holdStateQuery, () => ({ saleId, email, state, token, expiresAtMs, arrival, ...(waiting ? { waiting } : {}) }));

  // The opening of a waiting room moves a buyer from their ticket to their place: keep ArrivalSeq
  // on it (patched: histories from before this replay without the new command).
  const followPlace = (current: number) => {
    if (current === seq || !patched('arrival-seq-follows-place')) return;
    seq = current;
    upsertSearchAttributes([{ key: ArrivalSeqAttr, value: current }]);
  };

  const setState = (next: HoldState) => {
    state = next;
    if (next === announced) return;
    announced = next;
    upsertSearchAttributes([{ key: HoldStateAttr, value: next }]);
  };

  for (;;) {
    const intent = cancelRequested ? 'cancel' : 'check';
    cancelRequested = false;
    woken = false; // a signal that arrives during the step wakes the next wait at once
    // ArrivalSeq goes along: a buyer a rebuild of Redis could not see is put back at that place.
    const next = await holdStep(saleId, email, intent, seq);
    if (next.kind === 'done') {
      setState(next.outcome);
      await condition(allHandlersFinished);
      return next.outcome;
    }
    // What to wait for: queued, a grant (or the re-check); held, the hold's deadline; confirming,
    // the confirm's lease (then it is finished here); lost, the sale's rebuild in Redis.
    let until: number;
    switch (next.kind) {
      case 'lost':
        until = Date.now() + next.retryInMs;
        break;
      case 'queued': {
        setState('queued');
        arrival = next.arrival;
        waiting = next.waiting === true;
        followPlace(arrivalSeq(next.arrival, waiting));
        until = next.wakeAtMs;
        break;
      }
      case 'held':
        setState('held');
        waiting = false;
        ({ token, expiresAtMs, arrival } = next);
        followPlace(next.arrival);
        until = next.expiresAtMs;
        break;
      case 'confirming':
        setState('confirming');
        token = next.token;
        until = next.leaseUntilMs;
        break;
    }
    await condition(() => woken, Math.max(1, until - Date.now()));
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof holdWorkflow>(args);
    }
  }
}
