import type { IncomingMessage } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../root';
import { defaultDeps, type AppDeps } from '../deps';
import { sessionFromRequest } from '../auth/session';
import { clientIp, type TrustFn } from './client-ip';

export interface TrpcHandlerOptions {
  /** Services' dependencies (default: the process-wide ones built from env). */
  deps?: () => AppDeps;
  /** Which proxies may name the client (default: TRUST_PROXY). */
  trust?: TrustFn;
}

/** tRPC over Node's http directly (no Next request handling on the hot path). */
export function createTrpcHandler(opts: TrpcHandlerOptions = {}) {
  const deps = opts.deps ?? defaultDeps;
  return createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: async ({ req }: { req: IncomingMessage }) => ({
      deps: deps(),
      session: await sessionFromRequest(req),
      ip: clientIp(req, opts.trust),
    }),
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`[trpc] ${path ?? '?'} from ${clientIp(req, opts.trust)}:`, error.cause ?? error);
    },
  });
}

/** The app's tRPC handler (process-wide deps and env settings). */
export const trpcHandler = createTrpcHandler();
