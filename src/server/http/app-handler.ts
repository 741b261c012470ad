/**
 * The app's request routing, shared by the app process (src/server.ts, with Next.js for pages) and
 * by crash tests that run the same API in a process of their own: tRPC, the REST API (/api/v1, docs
 * at /docs) and Prometheus metrics (/api/metrics) are served straight from Node's http; everything
 * else goes to `pages` (Next's request handler). Every request is timed.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trpcHandler } from './trpc-handler';
import { restHandler } from '../rest';
import { appMetricsHandler, instrumentHttp, trpcRouteLabel } from '../metrics/http';
import { appRouter } from '../root';
import { defaultDeps } from '../deps';

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

const isPath = (url: string, path: string) => url === path || url.startsWith(`${path}/`) || url.startsWith(`${path}?`);

export function appRequestHandler(pages: Handler) {
  const metricsHandler = appMetricsHandler(defaultDeps);
  const trpcLabel = trpcRouteLabel(Object.keys(appRouter._def.procedures));
  // REST sets its own route label (flashsale_http_request_duration_seconds).
  return instrumentHttp(
    (req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/api/trpc/')) return void trpcHandler(req, res);
      if (isPath(url, '/api/v1') || isPath(url, '/docs')) return void restHandler(req, res);
      if (isPath(url, '/api/metrics')) return void metricsHandler(req, res);
      void pages(req, res);
    },
    (req) => (req.url?.startsWith('/api/trpc/') ? trpcLabel(req.url) : 'next'),
  );
}
