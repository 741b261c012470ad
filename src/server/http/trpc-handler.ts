import type { IncomingMessage } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../root';
import { defaultDeps } from '../deps';
import { sessionFromRequest } from '../auth/session';
import { clientIp } from './client-ip';

/** tRPC over Node's http directly (no Next request handling on the hot path). */
export const trpcHandler = createHTTPHandler({
  router: appRouter,
  basePath: '/api/trpc/',
  createContext: async ({ req }: { req: IncomingMessage }) => ({
    deps: defaultDeps(),
    session: await sessionFromRequest(req),
    ip: clientIp(req),
  }),
  onError({ error, path }) {
    if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'}:`, error.cause ?? error);
  },
});
