/**
 * Everything the app and the dispatcher do to hold workflows: start, signal-with-start on a grant,
 * cancel, confirm (an Update, so the caller gets the order back synchronously), query.
 */
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import {
  BuyerEmailAttr,
  cancelSignal,
  confirmUpdate,
  grantedSignal,
  holdStateQuery,
  holdWorkflowId,
  HoldStateAttr,
  SaleIdAttr,
  type HoldArgs,
  type HoldView,
  type OrderView,
} from '../../../temporal/shared';
import type { Grant } from '../redis/scripts';
import type { EngineConfig } from '../config';
import { fromFailureType, NoActiveHoldError } from '../errors';
import { timeWorkflowStart } from '../metrics/record';

export const holdArgs = (config: EngineConfig, saleId: string, email: string): HoldArgs => ({
  saleId,
  email,
  holdTtlMs: config.holdTtlSec * 1000,
  recheckMs: config.queueRecheckSec * 1000,
});

const startOptions = (config: EngineConfig, saleId: string, email: string) => ({
  taskQueue: config.taskQueue,
  workflowId: holdWorkflowId(saleId, email),
  args: [holdArgs(config, saleId, email)] as [HoldArgs],
  typedSearchAttributes: [
    { key: SaleIdAttr, value: saleId },
    { key: BuyerEmailAttr, value: email },
    { key: HoldStateAttr, value: 'queued' },
  ],
});

/** Starts the buyer's hold workflow, or returns the running one (a second buy is the same hold). */
export async function startHold(client: Client, config: EngineConfig, saleId: string, email: string) {
  const timed = timeWorkflowStart('start');
  await client.workflow.start('holdWorkflow', {
    ...startOptions(config, saleId, email),
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  timed();
}

/** Wakes a promoted buyer's workflow, starting it if its start was lost. */
export async function signalGranted(client: Client, config: EngineConfig, saleId: string, grant: Grant) {
  const timed = timeWorkflowStart('signal_with_start');
  await client.workflow.signalWithStart('holdWorkflow', {
    ...startOptions(config, saleId, grant.email),
    signal: grantedSignal,
    signalArgs: [{ token: grant.token, expiresAtMs: grant.expiresAtMs }],
  });
  timed();
}

export async function cancelHold(client: Client, saleId: string, email: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(holdWorkflowId(saleId, email)).signal(cancelSignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/** Runs the confirm Update; maps a refused or failed update to a domain error. */
export async function confirmHold(
  client: Client,
  saleId: string,
  email: string,
  requestedAtMs = Date.now(),
): Promise<OrderView> {
  try {
    return await client.workflow.getHandle(holdWorkflowId(saleId, email)).executeUpdate(confirmUpdate, {
      args: [{ requestedAtMs }],
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw NoActiveHoldError();
    if (err instanceof WorkflowUpdateFailedError) {
      const failure = applicationFailureIn(err);
      throw fromFailureType(failure?.type, failure?.message ?? '') ?? err;
    }
    // An update sent to a workflow that already finished is refused by the server.
    if (/already completed|not found/i.test(String((err as Error)?.message))) throw NoActiveHoldError();
    throw err;
  }
}

/** The ApplicationFailure somewhere down an error's cause chain (update -> activity -> app). */
function applicationFailureIn(err: unknown): { type?: string; message?: string } | undefined {
  for (let e = err as { type?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.type === 'string' && e.type) return e;
  }
  return undefined;
}

export async function queryHold(client: Client, saleId: string, email: string): Promise<HoldView | null> {
  try {
    return await client.workflow.getHandle(holdWorkflowId(saleId, email)).query(holdStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}
