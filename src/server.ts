/**
 * The app's one process: a Node HTTP server that serves tRPC, the REST API (/api/v1, docs at
 * /docs) and Prometheus metrics (/api/metrics) straight from Node's http, handing every other
 * request (pages, next-auth) to Next.js. Next's own request handling is the throughput ceiling,
 * so the hot API paths skip it. Every answer carries the security headers (app-handler.ts).
 */
import { env } from './env';
import { createServer } from 'node:http';
import next from 'next';
import { appRequestHandler } from './server/http/app-handler';
import { defaultDeps } from './server/deps';
import { offerFirstAdminSetup } from './server/users/first-admin-setup';

const dev = env.NODE_ENV !== 'production';

const app = next({ dev, hostname: 'localhost', port: env.PORT });
await app.prepare();

const server = createServer(appRequestHandler(app.getRequestHandler(), { dev }));
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
