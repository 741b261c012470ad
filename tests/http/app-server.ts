/**
 * The app's request handler (security headers, tRPC, REST, metrics; no Next.js pages) on an
 * ephemeral-port Node server, bound to a test's dependencies, with small REST and tRPC clients.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import superjson from 'superjson';
import type { AppDeps } from '@/server/deps';
import { issueToken } from '@/server/auth/session';
import { createAppHandler, timeAppRequests } from '@/server/http/app-handler';
import type { TrustFn } from '@/server/http/client-ip';
import { createTrpcHandler } from '@/server/http/trpc-handler';
import { createRestHandler, type RestOptions } from '@/server/rest';
import type { RateLimitSettings } from '@/server/ratelimit';
import { appMetricsHandler } from '@/server/metrics/http';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body, if it is JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export interface CallOptions {
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is (content-type JSON unless headers say otherwise). */
  raw?: string;
  token?: string;
  /** A shopper's email, sent as that shopper's bearer token (the one the verify endpoint issues). */
  as?: string;
  headers?: Record<string, string>;
}

export interface ServeOptions {
  trust?: TrustFn;
  rateLimits?: () => RateLimitSettings;
  /** The REST API's routes (default: the app's). */
  routes?: RestOptions['routes'];
  /** Time every request into the HTTP histogram, as src/server.ts does. */
  timed?: boolean;
}

export async function serveApp(deps: AppDeps, opts: ServeOptions = {}) {
  const app = createAppHandler({
    trpc: createTrpcHandler({ deps: () => deps, trust: opts.trust, rateLimits: opts.rateLimits }),
    rest: createRestHandler({ deps: () => deps, trust: opts.trust, rateLimits: opts.rateLimits, routes: opts.routes }),
    metrics: appMetricsHandler(() => deps),
    pages: (_req, res) => void res.writeHead(404, { 'content-type': 'text/plain' }).end('no pages in this test server'),
    dev: false,
    trust: opts.trust,
  });
  const server: Server = createServer(opts.timed ? timeAppRequests(app) : app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (method: string, path: string, o: CallOptions = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
    const token = o.token ?? (o.as ? await issueToken({ email: o.as, role: 'shopper' }) : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers, body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };

  /** A tRPC call as the client link makes it: superjson input, GET for queries, POST for mutations. */
  const trpc = (kind: 'query' | 'mutation', path: string, input: unknown, o: Omit<CallOptions, 'body' | 'raw'> = {}) => {
    const payload = JSON.stringify(superjson.serialize(input));
    return kind === 'query'
      ? call('GET', `/api/trpc/${path}?input=${encodeURIComponent(payload)}`, o)
      : call('POST', `/api/trpc/${path}`, { ...o, raw: payload });
  };

  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { base, call, trpc, close };
}

export type AppServer = Awaited<ReturnType<typeof serveApp>>;

/** The message of a tRPC error answer. */
export const trpcMessage = (a: Answer): string | undefined => a.json?.error?.json?.message;
/** The message of a REST error answer. */
export const restMessage = (a: Answer): string | undefined => a.json?.error?.message;
