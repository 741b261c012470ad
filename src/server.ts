/**
 * The app's one process: a Node HTTP server that serves tRPC, the REST API (/api/v1, docs at
 * /docs) and Prometheus metrics (/api/metrics) straight from Node's http, handing every other
 * request (pages, next-auth) to Next.js. Next's own request handling is the throughput ceiling,
 * so the hot API paths skip it. Every answer carries the security headers (app-handler.ts).
 */
import { env } from './env';
import { createServer } from 'node:http';
import next from 'next';
import { trpcHandler } from './server/http/trpc-handler';
import { createAppHandler } from './server/http/app-handler';
import { restHandler } from './server/rest';
import { appMetricsHandler, instrumentHttp, trpcRouteLabel } from './server/metrics/http';
import { appRouter } from './server/root';
import { defaultDeps } from './server/deps';
import { offerFirstAdminSetup } from './server/users/first-admin-setup';

const dev = env.NODE_ENV !== 'production';

const app = next({ dev, hostname: 'localhost', port: env.PORT });
await app.prepare();

const trpcLabel = trpcRouteLabel(Object.keys(appRouter._def.procedures));

// Every request is timed (flashsale_http_request_duration_seconds); REST sets its own route label.
const server = createServer(
  instrumentHttp(
    createAppHandler({
      trpc: trpcHandler,
      rest: restHandler,
      metrics: appMetricsHandler(defaultDeps),
      pages: app.getRequestHandler(),
      dev,
    }),
    (req) => (req.url?.startsWith('/api/trpc/') ? trpcLabel(req.url) : 'next'),
  ),
);
server.keepAliveTimeout = 65_000;

server.listen(env.PORT, env.HOST, () => {
  console.log(`[app] ready on http://localhost:${env.PORT} (${dev ? 'development' : 'production'})`);
  void offerFirstAdminSetup(defaultDeps());
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    server.close();
    void app.close().finally(() => process.exit(0));
  });
}
