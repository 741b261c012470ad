/**
 * Prometheus metrics, one registry per process role: the app's (`appMetrics`, served at
 * GET /api/metrics by the app) and the worker's (`workerMetrics`, served by the worker on
 * WORKER_METRICS_PORT). Metrics both roles record (workflow start latency: the app starts hold
 * workflows, the worker's dispatcher signal-with-starts them) are registered in both.
 *
 * Everything is created once per process and kept on globalThis, so a module evaluated twice
 * (Next's server bundle beside the custom server) never registers a metric name twice.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets (seconds) for HTTP requests, activities and workflow starts. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function build() {
  const app = new Registry();
  const worker = new Registry();
  collectDefaultMetrics({ register: app });
  collectDefaultMetrics({ register: worker });

  const workflowStart = new Histogram({
    name: 'flashsale_workflow_start_seconds',
    help: 'Latency of starting a hold workflow (op=start from buy, op=signal_with_start from the dispatcher)',
    labelNames: ['op'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [app, worker],
  });

  const appMetrics = {
    registry: app,
    workflowStart,
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
      help: 'Confirms that reached the hold workflow, by outcome (paid, or the failure code); refusals before it show in the HTTP metrics',
      labelNames: ['result'] as const,
      registers: [app],
    }),
    oversellGuard: new Counter({
      name: 'flashsale_oversell_guard_rejections_total',
      help: 'Confirms refused by the MongoDB conditional decrement, as answered to callers (no_stock, outside_window)',
      labelNames: ['reason'] as const,
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
  };

  const workerMetrics = {
    registry: worker,
    workflowStart,
    grants: new Counter({
      name: 'flashsale_worker_grants_total',
      help: 'Holds taken by hold workflows (direct grants and dispatcher promotions)',
      registers: [worker],
    }),
    releases: new Counter({
      name: 'flashsale_worker_releases_total',
      help: 'Holds released back to stock, by outcome (expired, cancelled, closed)',
      labelNames: ['outcome'] as const,
      registers: [worker],
    }),
    expiries: new Counter({
      name: 'flashsale_worker_hold_expiries_total',
      help: 'Holds that ran out of time and returned their unit',
      registers: [worker],
    }),
    confirms: new Counter({
      name: 'flashsale_worker_confirms_total',
      help: 'Finalize (confirm) activity outcomes: paid, or the refusal code',
      labelNames: ['result'] as const,
      registers: [worker],
    }),
    oversellGuard: new Counter({
      name: 'flashsale_worker_oversell_guard_rejections_total',
      help: 'Confirms refused by the MongoDB conditional decrement (no unit left, or outside the sale window)',
      labelNames: ['reason'] as const,
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

  return { appMetrics, workerMetrics };
}

type Metrics = ReturnType<typeof build>;
const holder = globalThis as unknown as { flashSaleMetrics?: Metrics };

const metrics = (): Metrics => (holder.flashSaleMetrics ??= build());

export const appMetrics = () => metrics().appMetrics;
export const workerMetrics = () => metrics().workerMetrics;
export type AppMetrics = Metrics['appMetrics'];
export type WorkerMetrics = Metrics['workerMetrics'];
