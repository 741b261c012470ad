// Temporal actions of a sale, counted from workflow histories: per buyer (the hold workflow
// `hold:<sale>:<email>`, every run of it, listed with the visibility query SaleId = '<sale>') and for
// the sale workflow. "Actions" sums what Temporal bills as actions: workflow starts (a
// continue-as-new run counts as one), signals, updates, activities, local activities (their marker
// events), timers and search-attribute upserts. Workflow tasks are counted beside them: they are
// the server's and the worker's work, not billed.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { holdWorkflowId, saleWorkflowId } from '@/engine/contract';

export interface ActionCounts {
  starts: number;
  workflowTasks: number;
  signals: number;
  timers: number;
  localActivities: number;
  activities: number;
  updates: number;
  upserts: number;
  /** starts + signals + updates + activities + localActivities + timers + upserts */
  actions: number;
  historyEvents: number;
}

const ZERO: ActionCounts = {
  starts: 0,
  workflowTasks: 0,
  signals: 0,
  timers: 0,
  localActivities: 0,
  activities: 0,
  updates: 0,
  upserts: 0,
  actions: 0,
  historyEvents: 0,
};

/** The SDK records each local activity's result as a marker with this name. */
const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

type HistoryEvent = NonNullable<Awaited<ReturnType<WorkflowHandle['fetchHistory']>>['events']>[number];

export function countHistory(events: HistoryEvent[]): ActionCounts {
  const c = { ...ZERO, historyEvents: events.length };
  for (const e of events) {
    if (e.workflowExecutionStartedEventAttributes) c.starts++;
    else if (e.workflowTaskCompletedEventAttributes) c.workflowTasks++;
    else if (e.workflowExecutionSignaledEventAttributes) c.signals++;
    else if (e.timerStartedEventAttributes) c.timers++;
    else if (e.markerRecordedEventAttributes?.markerName === LOCAL_ACTIVITY_MARKER) c.localActivities++;
    else if (e.activityTaskScheduledEventAttributes) c.activities++;
    else if (e.workflowExecutionUpdateAcceptedEventAttributes) c.updates++;
    else if (e.upsertWorkflowSearchAttributesEventAttributes) c.upserts++;
  }
  c.actions = c.starts + c.signals + c.updates + c.activities + c.localActivities + c.timers + c.upserts;
  return c;
}

export const addCounts = (a: ActionCounts, b: ActionCounts): ActionCounts =>
  Object.fromEntries(Object.keys(ZERO).map((k) => [k, a[k as keyof ActionCounts] + b[k as keyof ActionCounts]])) as unknown as ActionCounts;

export const divideCounts = (a: ActionCounts, n: number): ActionCounts =>
  Object.fromEntries(Object.keys(ZERO).map((k) => [k, n ? a[k as keyof ActionCounts] / n : 0])) as unknown as ActionCounts;

/** How a buyer's visit ended, for the per-group averages. */
export const BUYER_GROUPS = ['paid', 'held, not paid', 'never got a unit'] as const;
export type BuyerGroup = (typeof BUYER_GROUPS)[number];

export interface GroupActions {
  buyers: number;
  total: ActionCounts;
  perBuyer: ActionCounts;
}

export interface SaleActions {
  /** Buyers with a hold workflow (one per buyer, all its runs together). */
  buyers: number;
  groups: Partial<Record<BuyerGroup, GroupActions>>;
  allBuyers: GroupActions;
  /** Hold workflows still running when their histories were read (counted as far as they got). */
  stillRunning: number;
  /** Hold-workflow runs beyond one per buyer (continue-as-new, or a start after the first run closed). */
  extraRuns: number;
  saleWorkflow: ActionCounts;
  /** Seconds the listing and history reads took. */
  readSec: number;
}

export const holdsQuery = (saleId: string) => `SaleId = '${saleId}'`;

/** Waits until no hold workflow of the sale runs, or `timeoutMs` passed; answers how many still run. */
export async function waitForHoldsToClose(client: Client, saleId: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { count } = await client.workflow.count(`${holdsQuery(saleId)} AND ExecutionStatus = 'Running'`);
    if (count === 0 || Date.now() >= deadline) return count;
    await new Promise((r) => setTimeout(r, Math.min(2000, Math.max(0, deadline - Date.now()))));
  }
}

/** Runs `fn` over `items` with at most `concurrency` at once. */
async function eachLimited<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/**
 * Reads every run of the sale's hold workflows and of its sale workflow and counts their actions,
 * per buyer group (`groupOf` says how each buyer's visit ended).
 */
export async function saleActions(
  client: Client,
  saleId: string,
  groupOf: (email: string) => BuyerGroup,
  concurrency = 8,
): Promise<SaleActions> {
  const t0 = Date.now();
  const prefix = holdWorkflowId(saleId, '');
  const runs: { workflowId: string; runId: string; running: boolean }[] = [];
  for await (const wf of client.workflow.list({ query: holdsQuery(saleId) })) {
    runs.push({ workflowId: wf.workflowId, runId: wf.runId, running: wf.status.name === 'RUNNING' });
  }
  const perBuyer = new Map<string, ActionCounts>();
  await eachLimited(runs, concurrency, async (r) => {
    const history = await client.workflow.getHandle(r.workflowId, r.runId).fetchHistory();
    const email = r.workflowId.slice(prefix.length);
    perBuyer.set(email, addCounts(perBuyer.get(email) ?? ZERO, countHistory(history.events ?? [])));
  });

  let saleWorkflow = ZERO;
  for await (const wf of client.workflow.list({ query: `WorkflowId = '${saleWorkflowId(saleId)}'` })) {
    const history = await client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    saleWorkflow = addCounts(saleWorkflow, countHistory(history.events ?? []));
  }

  const groups: SaleActions['groups'] = {};
  let all = ZERO;
  for (const [email, counts] of perBuyer) {
    const g = (groups[groupOf(email)] ??= { buyers: 0, total: ZERO, perBuyer: ZERO });
    g.buyers++;
    g.total = addCounts(g.total, counts);
    all = addCounts(all, counts);
  }
  for (const g of Object.values(groups)) g.perBuyer = divideCounts(g.total, g.buyers);
  return {
    buyers: perBuyer.size,
    groups,
    allBuyers: { buyers: perBuyer.size, total: all, perBuyer: divideCounts(all, perBuyer.size) },
    stillRunning: new Set(runs.filter((r) => r.running).map((r) => r.workflowId)).size,
    extraRuns: runs.length - new Set(runs.map((r) => r.workflowId)).size,
    saleWorkflow,
    readSec: (Date.now() - t0) / 1000,
  };
}
