/**
 * The app's one process: a Node HTTP server that serves tRPC, the REST API (/api/v1, docs at
 * /docs) and Prometheus metrics (/api/metrics) straight from Node's http, handing every other
 * request (pages, next-auth) to Next.js. Next's own request
 * handling is the throughput ceiling, so the hot API paths skip it.
 */
import { createServer } from 'node:http';
import next from 'next';
import { DEV_SECRET, env } from './env';
import { appRequestHandler } from './server/http/app-handler';

const dev = env.NODE_ENV !== 'production';
if (!dev && env.NEXTAUTH_SECRET === DEV_SECRET) {
  console.warn('[app] WARNING: NEXTAUTH_SECRET is not set; sessions are signed with the development secret.');
}

const app = next({ dev, hostname: 'localhost', port: env.PORT });
await app.prepare();
const nextHandler = app.getRequestHandler();

const server = createServer(appRequestHandler(nextHandler));
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
