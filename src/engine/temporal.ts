/**
 * The engine's side of Temporal: the client, and the messages it sends to hold workflows (start,
 * signal-with-start). Nothing here waits on a workflow task: a start or signal returns once the
 * server has recorded it, and the app sends them in the background (see background.ts).
 */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import type { EngineConfig } from './config';
import {
  BuyerEmailAttr,
  cancelSignal,
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

const holdStartOptions = (config: EngineConfig, saleId: string, email: string) => ({
  taskQueue: config.taskQueue,
  workflowId: holdWorkflowId(saleId, email),
  args: [{ saleId, email }] as [HoldArgs],
  typedSearchAttributes: [
    { key: SaleIdAttr, value: saleId },
    { key: BuyerEmailAttr, value: email },
    { key: HoldStateAttr, value: 'queued' },
  ],
});

/** Starts the buyer's hold workflow, or leaves the running one alone (a second buy is the same hold). */
export async function startHold(client: Client, config: EngineConfig, saleId: string, email: string): Promise<void> {
  const done = timeWorkflowMessage('start');
  await client.workflow.start('holdWorkflow', { ...holdStartOptions(config, saleId, email), workflowIdConflictPolicy: 'USE_EXISTING' });
  done();
}

const SIGNALS = { granted: grantedSignal, confirmed: confirmedSignal, cancel: cancelSignal } as const;
export type HoldSignal = keyof typeof SIGNALS;

/**
 * Wakes the buyer's hold workflow, starting it if it does not run (its start was lost, or it has
 * already finished and the buyer is back): the workflow then reads Redis and does what is due.
 */
export async function signalHold(client: Client, config: EngineConfig, saleId: string, email: string, signal: HoldSignal): Promise<void> {
  const done = timeWorkflowMessage(`signal_with_start:${signal}`);
  await client.workflow.signalWithStart('holdWorkflow', { ...holdStartOptions(config, saleId, email), signal: SIGNALS[signal] });
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
