/**
 * The engine's side of Temporal: the client, and the messages it sends to hold workflows (start,
 * signal-with-start). Nothing here waits on a workflow task: a start or signal returns once the
 * server has recorded it, and the app sends them in the background (see background.ts).
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { EngineConfig } from './config';
import {
  ArrivalSeqAttr,
  BuyerEmailAttr,
  rescheduleSignal,
  saleWorkflowId,
  stopSaleSignal,
  type SaleArgs,
  cancelSignal,
  saleClosedSignal,
  confirmedSignal,
  grantedSignal,
  holdStateQuery,
  holdWorkflowId,
  HoldStateAttr,
  SaleIdAttr,
  type HoldArgs,
  type HoldView,
} from './contract';
import { timeWorkflowMessage } from './metrics';

export async function createTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  return new Client({ connection, namespace });
}

/** A buyer's place in a sale, as hold workflows are started with it. */
export interface HoldRef {
  saleId: string;
  email: string;
  /** The buyer's arrival sequence, when known: kept as ArrivalSeq so a restore can rebuild the queue. */
  arrival?: number;
  /** The HoldState it starts with (a buyer granted at the buy starts held: one search-attribute upsert less). */
  state?: 'queued' | 'held';
}

const holdStartOptions = (config: EngineConfig, { saleId, email, arrival, state = 'queued' }: HoldRef) => ({
  taskQueue: config.taskQueue,
  workflowId: holdWorkflowId(saleId, email),
  args: [{ saleId, email }] as [HoldArgs],
  typedSearchAttributes: [
    { key: SaleIdAttr, value: saleId },
    { key: BuyerEmailAttr, value: email },
    { key: HoldStateAttr, value: state },
    ...(arrival ? [{ key: ArrivalSeqAttr, value: arrival }] : []),
  ],
});

/** Starts the buyer's hold workflow, or leaves the running one alone (a second buy is the same hold). */
export async function startHold(client: Client, config: EngineConfig, hold: HoldRef): Promise<void> {
  const done = timeWorkflowMessage('start');
  await client.workflow.start('holdWorkflow', { ...holdStartOptions(config, hold), workflowIdConflictPolicy: 'USE_EXISTING' });
  done();
}

const SIGNALS = { granted: grantedSignal, confirmed: confirmedSignal, cancel: cancelSignal, saleClosed: saleClosedSignal } as const;
export type HoldSignal = keyof typeof SIGNALS;

/**
 * Wakes the buyer's hold workflow, starting it if it does not run: the workflow then reads Redis and
 * does what is due. A grant starts a new run even where an earlier one ended (the buyer came back);
 * a confirm or a cancel does not, since a run that ended already reached its outcome.
 */
export async function signalHold(client: Client, config: EngineConfig, hold: HoldRef, signal: HoldSignal): Promise<void> {
  const done = timeWorkflowMessage(`signal_with_start:${signal}`);
  try {
    await client.workflow.signalWithStart('holdWorkflow', {
      ...holdStartOptions(config, hold),
      signal: SIGNALS[signal],
      ...(signal === 'granted' ? {} : { workflowIdReusePolicy: 'REJECT_DUPLICATE' as const }),
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  done();
}

export async function queryHold(client: Client, saleId: string, email: string): Promise<HoldView | null> {
  try {
    return await client.workflow.getHandle(holdWorkflowId(saleId, email)).query(holdStateQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/** The sale workflow's arguments, from the sale's window and the engine's tick settings. */
export const saleArgs = (config: EngineConfig, sale: { id: string; startsAt: Date; endsAt: Date }): SaleArgs => ({
  saleId: sale.id,
  startsAtMs: sale.startsAt.getTime(),
  endsAtMs: sale.endsAt.getTime(),
  tickMs: config.saleTickSec * 1000,
  idleTickMs: Math.max(config.saleTickSec, 30) * 1000,
});

export async function startSaleWorkflow(
  client: Client,
  config: EngineConfig,
  sale: { id: string; startsAt: Date; endsAt: Date },
): Promise<void> {
  await client.workflow.start('saleWorkflow', {
    taskQueue: config.taskQueue,
    workflowId: saleWorkflowId(sale.id),
    args: [saleArgs(config, sale)],
  });
}

/** Moves the sale workflow's timers to a new window (a sale whose workflow already closed gets a new one). */
export async function rescheduleSaleWorkflow(
  client: Client,
  config: EngineConfig,
  sale: { id: string; startsAt: Date; endsAt: Date },
): Promise<void> {
  await client.workflow.signalWithStart('saleWorkflow', {
    taskQueue: config.taskQueue,
    workflowId: saleWorkflowId(sale.id),
    args: [saleArgs(config, sale)],
    signal: rescheduleSignal,
    signalArgs: [{ startsAtMs: sale.startsAt.getTime(), endsAtMs: sale.endsAt.getTime() }],
  });
}

export async function stopSaleWorkflow(client: Client, saleId: string): Promise<void> {
  await client.workflow
    .getHandle(saleWorkflowId(saleId))
    .signal(stopSaleSignal)
    .catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError)) throw err; // already closed: nothing to stop
    });
}
