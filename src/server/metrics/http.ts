/**
 * HTTP side of the metrics: request timing for the app's Node server, the live-sale gauges read
 * at scrape time, and the `/api/metrics` handler (Prometheus text format) for app and worker.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { appMetrics, metricsHandler } from '@/engine/metrics';
import { fairnessReport } from '@/engine/fairness';
import type { AppDeps } from '../deps';
import { listSales } from '../sales/sales.service';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const routes = new WeakMap<ServerResponse, string>();

/** Names the route (pattern, e.g. `GET /api/v1/orders/position`) a response is counted under. */
export function setRouteLabel(res: ServerResponse, route: string): void {
  routes.set(res, route);
}

/**
 * Times every request of `handler` into flashsale_http_request_duration_seconds. The route label
 * is what the handler set with setRouteLabel, else `fallback(req)`; it must stay low-cardinality.
 * A request the client abandoned before the answer is counted with status 499.
 */
export function instrumentHttp(handler: Handler, fallback: (req: IncomingMessage) => string): Handler {
  const hist = appMetrics().httpDuration;
  return (req, res) => {
    const t0 = performance.now();
    res.once('close', () => {
      hist.observe(
        {
          method: req.method ?? 'GET',
          route: routes.get(res) ?? fallback(req),
          status: res.writableFinished ? String(res.statusCode) : '499',
        },
        (performance.now() - t0) / 1000,
      );
    });
    handler(req, res);
  };
}

/** Refreshes the per-sale gauges from the sales that are open now (one Redis snapshot each). */
async function refreshLiveSaleGauges(deps: AppDeps): Promise<void> {
  const m = appMetrics();
  const live = await listSales(deps, 'live');
  const figures = await Promise.all(
    live.slice(0, 100).map(async (s) => ({ s, snap: await deps.scripts.snapshot(s.id), fair: await fairnessReport(deps, s.id) })),
  );
  for (const g of [m.queueSize, m.holdsLive, m.stockAvailable, m.unitsSold, m.overtakes, m.inversions]) g.reset();
  for (const { s, snap, fair } of figures) {
    const labels = { sale_id: s.id };
    m.queueSize.set(labels, snap.queueSize);
    m.holdsLive.set(labels, snap.holdsLive);
    m.stockAvailable.set(labels, Math.max(0, snap.stock));
    m.unitsSold.set(labels, s.startingQuantity - s.currentQuantity);
    m.overtakes.set(labels, fair.overtakes);
    m.inversions.set(labels, fair.inversions);
  }
}

/** The app's /api/metrics: HTTP, buy/confirm and workflow-start metrics plus live-sale gauges. */
export function appMetricsHandler(deps: () => AppDeps) {
  return metricsHandler(appMetrics().registry, () => refreshLiveSaleGauges(deps()));
}

/**
 * Route label for a tRPC URL (`/api/trpc/orders.buy?...` -> `trpc orders.buy`): only known
 * procedure names become labels, so made-up paths cannot grow the series count.
 */
export function trpcRouteLabel(procedures: Iterable<string>): (url: string) => string {
  const known = new Set(procedures);
  return (url) => {
    const path = url.slice('/api/trpc/'.length).split('?')[0] ?? '';
    const names = path.split(',');
    if (names.length > 1) return names.every((n) => known.has(n)) ? 'trpc (batch)' : 'trpc (unknown)';
    return known.has(path) ? `trpc ${path}` : 'trpc (unknown)';
  };
}
