/**
 * One buyer's place in one sale: queued -> held -> confirmed | expired | cancelled, or it ends
 * queued as sold_out / closed. The hold is a durable timer, so it survives worker restarts.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  cancelSignal,
  confirmUpdate,
  FailureType,
  grantedSignal,
  holdStateQuery,
  HoldStateAttr,
  type GrantPayload,
  type HoldArgs,
  type HoldState,
  type OrderView,
} from '../shared';

// Redis steps are short and idempotent: local activities run them inside the workflow task,
// saving a server round trip each (an expired unit reaches the next buyer that much sooner).
const redisActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
});

// The confirm's MongoDB step also runs as a local activity: a confirm then costs the server one
// workflow task instead of a task plus a dispatched activity (the dev server is the bottleneck
// under a flash crowd of confirms). Retries stay bounded and idempotent (see finalize.ts).
const mongoActs = proxyLocalActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '2 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [FailureType.SaleClosed, FailureType.SoldOut, FailureType.AlreadyPurchased],
  },
});

const GRANT_IN_FLIGHT_WAIT = '10 seconds';

const PERMANENT_CONFIRM_FAILURES: string[] = [FailureType.SaleClosed, FailureType.SoldOut, FailureType.AlreadyPurchased];

export async function holdWorkflow(args: HoldArgs): Promise<HoldState> {
  const { saleId, email } = args;
  let state: HoldState = 'queued';
  let grant: GrantPayload | undefined;
  let cancelled = false;
  let confirmation: Promise<OrderView> | undefined;
  let order: OrderView | undefined;

  const setState = (next: HoldState) => {
    state = next;
    upsertSearchAttributes([{ key: HoldStateAttr, value: next }]);
  };

  setHandler(holdStateQuery, () => ({
    saleId,
    email,
    state,
    token: grant?.token,
    expiresAtMs: grant?.expiresAtMs,
    orderId: order?.id,
  }));
  setHandler(cancelSignal, () => {
    if (state === 'queued' || state === 'held') cancelled = true;
  });
  setHandler(
    confirmUpdate,
    async ({ requestedAtMs }) => {
      // The app only confirms when Redis shows a hold; if our grant is still in flight (signal
      // or activity result not yet processed), wait for it briefly instead of refusing.
      if (state === 'queued' && !(await condition(() => state !== 'queued', GRANT_IN_FLIGHT_WAIT))) {
        throw ApplicationFailure.nonRetryable('no active hold (still queued)', FailureType.HoldNotActive);
      }
      if (!confirmation) assertLiveHold(requestedAtMs);
      // Parallel confirms share one finalize: one decrement, one order, the same answer.
      confirmation ??= mongoActs.finalizeOrder(saleId, email, grant!.token, workflowInfo().workflowId);
      try {
        order = await confirmation;
        return order;
      } catch (err) {
        if (!isPermanent(err)) confirmation = undefined; // transient: the buyer may try again
        throw err;
      }
    },
    {
      validator: ({ requestedAtMs }) => {
        if (order || confirmation || state === 'queued') return;
        assertLiveHold(requestedAtMs);
      },
    },
  );

  function assertLiveHold(requestedAtMs: number) {
    if (state !== 'held' || !grant) {
      throw ApplicationFailure.nonRetryable(`no active hold (hold is ${state})`, FailureType.HoldNotActive);
    }
    // The request time counts, never later than now (a skewed app clock gains nothing).
    if (Math.min(requestedAtMs, Date.now()) >= grant.expiresAtMs) {
      throw ApplicationFailure.nonRetryable('no active hold (hold expired)', FailureType.HoldNotActive);
    }
  }

  // Phase 1: wait in the queue. A `granted` signal only wakes us: Redis, via tryGrant, is always
  // asked, so a late or stale signal can never produce a hold that Redis does not have.
  let woken = false;
  setHandler(grantedSignal, () => {
    woken = true;
  });
  for (;;) {
    if (cancelled) return finishQueued('cancelled');
    const r = await redisActs.tryGrant(saleId, email, args.holdTtlMs);
    if (r.status === 'granted') {
      grant = { token: r.token, expiresAtMs: r.expiresAtMs };
      break;
    }
    if (r.status === 'sold_out') return finishQueued('sold_out');
    if (r.status === 'closed' || r.status === 'no_sale' || r.status === 'not_started') return finishQueued('closed');
    if (r.status === 'not_queued') return finishQueued(null);
    woken = false;
    await condition(() => woken || cancelled, args.recheckMs);
  }

  // Phase 2: the hold. Ends when paid, cancelled, or its time is up.
  setState('held');
  const held = grant;
  for (;;) {
    await condition(() => cancelled || confirmation !== undefined, Math.max(0, held.expiresAtMs - Date.now()));
    if (!confirmation) break; // expired or cancelled
    try {
      order = await confirmation;
      setState('confirmed');
      await condition(allHandlersFinished);
      return state;
    } catch (err) {
      if (isPermanent(err)) break; // e.g. the sale ended: the unit goes back
      // transient failure: still held, wait for another confirm or the end of the hold
    }
  }
  // Leave `held` before releasing, so no confirm is accepted while the unit goes back.
  const ending = cancelled ? 'cancelled' : 'expired';
  setState(ending);
  await redisActs.releaseHold(saleId, email, held.token, ending);
  await condition(allHandlersFinished);
  return state;

  /** Ends a hold that was never granted; `null`: nothing to record (not in the queue any more). */
  async function finishQueued(outcome: 'cancelled' | 'sold_out' | 'closed' | null): Promise<HoldState> {
    if (outcome) await redisActs.leaveQueue(saleId, email, outcome);
    setState(outcome ?? 'closed');
    await condition(allHandlersFinished);
    return state;
  }
}

function isPermanent(err: unknown): boolean {
  let e: unknown = err;
  while (e && typeof e === 'object') {
    const type = (e as { type?: string }).type;
    if (type && PERMANENT_CONFIRM_FAILURES.includes(type)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
