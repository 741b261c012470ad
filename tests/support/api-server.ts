/**
 * The app's API in a process of its own (the same request routing as src/server.ts, without
 * Next's pages), for crash tests that SIGKILL it mid-request. Settings come from the environment.
 */
import { createServer } from 'node:http';
import { env } from '@/env';
import { appRequestHandler } from '@/server/http/app-handler';

const server = createServer(
  appRequestHandler(
    (_req, res) => {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('pages are not served here\n');
    },
    { dev: false },
  ),
);
server.listen(env.PORT, '127.0.0.1', () => console.log(`[api] listening on ${env.PORT} (pid ${process.pid})`));
