/**
 * The app's one process: a Node HTTP server that serves tRPC, the REST API (/api/v1, docs at
 * /docs) and Prometheus metrics (/api/metrics) straight from Node's http, handing every other
 * request (pages, next-auth) to Next.js. Next's own request
 * handling is the throughput ceiling, so the hot API paths skip it.
 */
import { createServer } from 'node:http';
import next from 'next';
import { DEV_SECRET, env } from './env';
import { trpcHandler } from './server/http/trpc-handler';
import { restHandler } from './server/rest';
import { appMetricsHandler, instrumentHttp, trpcRouteLabel } from './server/metrics/http';
import { appRouter } from './server/root';
import { defaultDeps } from './server/deps';

const dev = env.NODE_ENV !== 'production';
if (!dev && env.NEXTAUTH_SECRET === DEV_SECRET) {
  console.warn('[app] WARNING: NEXTAUTH_SECRET is not set; sessions are signed with the development secret.');
}

const app = next({ dev, hostname: 'localhost', port: env.PORT });
await app.prepare();
const nextHandler = app.getRequestHandler();

const metricsHandler = appMetricsHandler(defaultDeps);
const trpcLabel = trpcRouteLabel(Object.keys(appRouter._def.procedures));
const isPath = (url: string, path: string) => url === path || url.startsWith(`${path}/`) || url.startsWith(`${path}?`);

// Every request is timed (flashsale_http_request_duration_seconds); REST sets its own route label.
const server = createServer(
  instrumentHttp(
    (req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/api/trpc/')) return void trpcHandler(req, res);
      if (isPath(url, '/api/v1') || isPath(url, '/docs')) return void restHandler(req, res);
      if (isPath(url, '/api/metrics')) return void metricsHandler(req, res);
      void nextHandler(req, res);
    },
    (req) => (req.url?.startsWith('/api/trpc/') ? trpcLabel(req.url) : 'next'),
  ),
);
server.keepAliveTimeout = 65_000;

server.listen(env.PORT, env.HOST, () => {
  console.log(`[app] ready on http://localhost:${env.PORT} (${dev ? 'development' : 'production'})`);
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
