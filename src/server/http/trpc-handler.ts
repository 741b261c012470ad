import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { appRouter } from '../root';
import { defaultDeps, type AppDeps } from '../deps';
import { sessionFromRequest } from '../auth/session';
import { clientIp, type TrustFn } from './client-ip';
import { repeatedParam, repeatedParamMessage } from './query';
import type { RateLimitSettings } from '../ratelimit';

export interface TrpcHandlerOptions {
  /** Services' dependencies (default: the process-wide ones built from env). */
  deps?: () => AppDeps;
  /** Which proxies may name the client (default: TRUST_PROXY). */
  trust?: TrustFn;
  /** Rate limits (default: from env). */
  rateLimits?: () => RateLimitSettings;
}

/** A tRPC error answer for a request refused before tRPC reads it. */
function badRequest(res: ServerResponse, message: string): void {
  const body = JSON.stringify({ error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } } });
  res.writeHead(400, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }).end(body);
}

/** tRPC over Node's http directly (no Next request handling on the hot path). */
export function createTrpcHandler(opts: TrpcHandlerOptions = {}) {
  const deps = opts.deps ?? defaultDeps;
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: '/api/trpc/',
    createContext: async ({ req }: { req: IncomingMessage }) => ({
      deps: deps(),
      session: await sessionFromRequest(req),
      ip: clientIp(req, opts.trust),
      rateLimits: opts.rateLimits,
    }),
    onError({ error, path, req }) {
      if (error.code === 'INTERNAL_SERVER_ERROR')
        console.error(`[trpc] ${path ?? '?'} from ${clientIp(req, opts.trust)}:`, error.cause ?? error);
    },
  });
  return (req: IncomingMessage, res: ServerResponse) => {
    const q = req.url?.indexOf('?') ?? -1;
    const repeated = q === -1 ? undefined : repeatedParam(new URLSearchParams(req.url!.slice(q + 1)));
    if (repeated) return badRequest(res, repeatedParamMessage(repeated));
    return handler(req, res);
  };
}

/** The app's tRPC handler (process-wide deps and env settings). */
export const trpcHandler = createTrpcHandler();
