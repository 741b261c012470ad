/**
 * The app's one request handler: every request gets the security headers first, then goes to
 * tRPC, the REST API (with its docs), the metrics, or `pages` (Next.js: pages, next-auth). Server
 * components cannot see the socket, so the client address reaches them in CLIENT_IP_HEADER,
 * always overwritten here. Used by the app process (src/server.ts) and by crash tests that run
 * the same API in a process of their own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CLIENT_IP_HEADER, clientIp, isHttps, type TrustFn } from './client-ip';
import { newNonce, securityHeaders } from './security-headers';
import { trpcHandler } from './trpc-handler';
import { restHandler } from '../rest';
import { appMetricsHandler, instrumentHttp, trpcRouteLabel } from '../metrics/http';
import { appRouter } from '../root';
import { defaultDeps } from '../deps';

type Handler = (req: IncomingMessage, res: ServerResponse) => unknown;

export interface AppHandlerParts {
  trpc: Handler;
  rest: Handler;
  metrics: Handler;
  /** Everything else: Next.js. */
  pages: Handler;
  /** `next dev` (its scripts need eval). */
  dev: boolean;
  /** Which proxies may name the client (default: TRUST_PROXY). */
  trust?: TrustFn;
}

const isPath = (url: string, path: string) => url === path || url.startsWith(`${path}/`) || url.startsWith(`${path}?`);

export function createAppHandler(parts: AppHandlerParts): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    const target = url.startsWith('/api/trpc/')
      ? parts.trpc
      : isPath(url, '/api/v1') || isPath(url, '/docs')
        ? parts.rest
        : isPath(url, '/api/metrics')
          ? parts.metrics
          : undefined;
    const nonce = target ? undefined : newNonce();
    const headers = securityHeaders({ nonce, https: isHttps(req, parts.trust), dev: parts.dev });
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (target) return void target(req, res);
    // Next.js takes the nonce for its inline scripts from the request's policy.
    req.headers['content-security-policy'] = headers['content-security-policy'];
    req.headers[CLIENT_IP_HEADER] = clientIp(req, parts.trust);
    void parts.pages(req, res);
  };
}

/**
 * Times every request of an app handler (flashsale_http_request_duration_seconds; REST sets its
 * own route label, tRPC is labelled by procedure, the rest is 'next').
 */
export function timeAppRequests(handler: Handler): Handler {
  const trpcLabel = trpcRouteLabel(Object.keys(appRouter._def.procedures));
  return instrumentHttp(handler, (req) => (req.url?.startsWith('/api/trpc/') ? trpcLabel(req.url) : 'next'));
}

/** The app's handler with its tRPC, REST and metrics, every request timed. */
export function appRequestHandler(pages: Handler, { dev }: { dev: boolean }) {
  return timeAppRequests(createAppHandler({ trpc: trpcHandler, rest: restHandler, metrics: appMetricsHandler(defaultDeps), pages, dev }));
}
