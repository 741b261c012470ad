/**
 * Prometheus metrics, one registry per process role: the app's (`appMetrics`, served at
 * GET /api/metrics by the app) and the worker's (`workerMetrics`, served by the worker on
 * WORKER_METRICS_PORT). Metrics both roles record (grants, releases, workflow messages: the engine
 * runs in both) are one object registered in both registries.
 *
 * Everything is created once per process and kept on globalThis, so a module evaluated twice
 * (Next's server bundle beside the custom server) never registers a metric name twice.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for HTTP requests, activities and workflow starts. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function build() {
  const app = new Registry();
  const worker = new Registry();
  collectDefaultMetrics({ register: app });
  collectDefaultMetrics({ register: worker });

  // Recorded by both roles: the app's buys and confirms and the worker's dispatcher grant units
  // and message hold workflows.
  const workflowStart = new Histogram({
    name: 'flashsale_workflow_start_seconds',
    help: 'Latency of a start or signal-with-start of a hold workflow (sent in the background, never on a request path)',
    labelNames: ['op'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [app, worker],
  });
  const grants = new Counter({
    name: 'flashsale_grants_total',
    help: "Holds granted, by where (buy: at the buy; workflow: a queued workflow's own step; dispatch: the dispatcher)",
    labelNames: ['via'] as const,
    registers: [app, worker],
  });
  const releases = new Counter({
    name: 'flashsale_releases_total',
    help: 'Holds that ended unpaid and returned their unit, by outcome (expired, closed: cut short by the sale end, cancelled)',
    labelNames: ['outcome'] as const,
    registers: [app, worker],
  });
  const restores = new Counter({
    name: 'flashsale_sale_restores_total',
    help: 'Sales rebuilt in Redis from MongoDB and Temporal after Redis lost them (restart without persistence, flush)',
    registers: [app, worker],
  });
  const oversellGuard = new Counter({
    name: 'flashsale_oversell_guard_rejections_total',
    help: 'Confirms refused by the MongoDB conditional decrement although Redis had granted the unit (no_stock, outside_window)',
    labelNames: ['reason'] as const,
    registers: [app, worker],
  });
  const confirmSteps = new Histogram({
    name: 'flashsale_confirm_step_seconds',
    help: 'Time of each step of a confirm: claim (claim-11.lua), decrement and order (MongoDB), consume (consume-11.lua)',
    labelNames: ['step'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [app, worker],
  });
  const messagesPending = new Gauge({
    name: 'flashsale_workflow_messages_pending',
    help: 'Workflow starts and signals waiting to be sent or retried by this process',
    registers: [app, worker],
  });

  const appMetrics = {
    registry: app,
    workflowStart,
    grants,
    releases,
    messagesPending,
    oversellGuard,
    restores,
    confirmSteps,
    httpDuration: new Histogram({
      name: 'flashsale_http_request_duration_seconds',
      help: 'HTTP request latency by route (pattern, not raw URL), method and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [app],
    }),
    buys: new Counter({
      name: 'flashsale_buys_total',
      help: 'Buy calls by queue outcome (queued, held, paid, sold_out, not_started, ended, no_sale)',
      labelNames: ['result'] as const,
      registers: [app],
    }),
    confirms: new Counter({
      name: 'flashsale_confirms_total',
      help: 'Confirms answered by the app, by result (paid, or the refusal code: NO_ACTIVE_HOLD, SOLD_OUT, ...)',
      labelNames: ['result'] as const,
      registers: [app],
    }),
    rateLimited: new Counter({
      name: 'flashsale_rate_limited_total',
      help: 'Requests refused by the rate limiter, by action and by the limit that refused them',
      labelNames: ['action', 'scope'] as const,
      registers: [app],
    }),
    queueSize: new Gauge({
      name: 'flashsale_queue_size',
      help: 'Buyers waiting in the FIFO queue of each live sale (read at scrape time)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
    holdsLive: new Gauge({
      name: 'flashsale_holds_live',
      help: 'Live holds of each live sale (read at scrape time)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
    stockAvailable: new Gauge({
      name: 'flashsale_stock_available',
      help: 'Units neither held nor sold of each live sale (Redis shadow stock, read at scrape time)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
    unitsSold: new Gauge({
      name: 'flashsale_units_sold',
      help: 'Units sold of each live sale (read at scrape time)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
    overtakes: new Gauge({
      name: 'flashsale_fairness_overtakes',
      help: 'Later arrivals granted while an earlier buyer waited who then left without a unit, per live sale (read at scrape time; should be 0)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
    inversions: new Gauge({
      name: 'flashsale_fairness_inversions',
      help: 'Pairs of grants out of arrival order, per live sale (read at scrape time)',
      labelNames: ['sale_id'] as const,
      registers: [app],
    }),
  };

  const workerMetrics = {
    registry: worker,
    workflowStart,
    grants,
    releases,
    messagesPending,
    restores,
    confirmSteps,
    confirms: new Counter({
      name: 'flashsale_worker_confirms_total',
      help: 'Confirms finished by a hold workflow or the sweeper because the app that began them died, by result',
      labelNames: ['result'] as const,
      registers: [worker],
    }),
    activityScheduleToStart: new Histogram({
      name: 'flashsale_worker_activity_schedule_to_start_seconds',
      help: 'Time an activity waited between being scheduled and starting on this worker (Temporal matching + free slots)',
      labelNames: ['activity'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [worker],
    }),
    activityDuration: new Histogram({
      name: 'flashsale_worker_activity_duration_seconds',
      help: 'Activity execution time by activity type and outcome (ok, error)',
      labelNames: ['activity', 'outcome'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [worker],
    }),
  };

  // Series exported at 0 before their first event, so dashboards and alerts see them from the start.
  workerMetrics.confirms.inc({ result: 'paid' }, 0);
  for (const outcome of ['expired', 'closed', 'cancelled'] as const) releases.inc({ outcome }, 0);
  return { appMetrics, workerMetrics };
}

type Metrics = ReturnType<typeof build>;
const holder = globalThis as unknown as { flashSaleMetrics?: Metrics };

export const metrics = (): Metrics => (holder.flashSaleMetrics ??= build());

export const appMetrics = () => metrics().appMetrics;
export const workerMetrics = () => metrics().workerMetrics;
export type AppMetrics = Metrics['appMetrics'];
export type WorkerMetrics = Metrics['workerMetrics'];

/** One-line recording helpers, so a metric call in the engine never grows into metric logic. */
export const recordGrant = (via: 'buy' | 'workflow' | 'dispatch', n = 1) => metrics().appMetrics.grants.inc({ via }, n);
export const recordRelease = (outcome: 'expired' | 'closed' | 'cancelled') => metrics().appMetrics.releases.inc({ outcome });
export const recordRestore = () => metrics().appMetrics.restores.inc();
export const recordOversellGuard = (reason: 'no_stock' | 'outside_window') => metrics().appMetrics.oversellGuard.inc({ reason });
/** Worker: a confirm whose app died, finished by a hold workflow or the sweeper ('paid' or the refusal code). */
export const recordTakeover = (result: string) => metrics().workerMetrics.confirms.inc({ result });
/** Starts a timer for a start / signal-with-start; call the returned function once the server acknowledged it. */
export const timeWorkflowMessage = (op: string) => metrics().appMetrics.workflowStart.startTimer({ op });

export type ConfirmStep = 'claim' | 'decrement' | 'order' | 'consume';
/** Runs one step of a confirm and records its time (whatever its outcome). */
export async function timeConfirmStep<T>(step: ConfirmStep, run: () => Promise<T>): Promise<T> {
  const end = metrics().appMetrics.confirmSteps.startTimer({ step });
  try {
    return await run();
  } finally {
    end();
  }
}

/** GET /api/metrics for a registry; `before` runs first (e.g. reading gauges). */
export function metricsHandler(registry: Registry, before?: () => Promise<void>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    try {
      if (before) await before().catch((err) => console.error('[metrics] live gauges:', (err as Error).message));
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      console.error('[metrics] scrape failed:', err);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error\n');
    }
  };
}
