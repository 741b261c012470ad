/**
 * The REST API as one Node request handler (no framework, no Next on the path): matches the route
 * table, checks the bearer token for admin routes and works out who a shopper route acts for
 * (src/server/auth/shopper-identity.ts), validates input with the route's zod schema, applies
 * rate limits, calls the handler, and answers JSON. Also serves the OpenAPI document
 * (`<base>/openapi.json`) and the docs page (`/docs`, `<base>/docs`) with its assets (`/docs/assets/*`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { env } from '@/env';
import type { AppDeps } from '../deps';
import { defaultDeps } from '../deps';
import { sessionFromRequest } from '../auth/session';
import {
  actingShopper,
  EMAIL_OR_TOKEN_REQUIRED,
  shopperAuthMode,
  ShopperSignInRequiredError,
  type ShopperAuthMode,
} from '../auth/shopper-identity';
import { ForbiddenError, UnauthorizedError } from '../errors';
import { clientIp, type TrustFn } from '../http/client-ip';
import { repeatedParam, repeatedParamMessage } from '../http/query';
import { checkRateLimit, rateLimitSettings, type RateLimitSettings } from '../ratelimit';
import { setRouteLabel } from '../metrics/http';
import { POW_HEADER, requirePowSolution } from '../bot/pow';
import { readJsonBody, requestIdOf, RestError, sendError, sendJson } from './http';
import { Reply, routes as defaultRoutes, type RestContext, type Route } from './routes';
import { buildOpenApi } from './openapi';
import { DOCS_ASSETS_PATH, DOCS_CSP, docsAsset, docsPage } from './docs';

export const REST_BASE_PATH = '/api/v1';

export interface RestOptions {
  /** Services' dependencies (default: the process-wide ones built from env). */
  deps?: () => AppDeps;
  basePath?: string;
  rateLimits?: () => RateLimitSettings;
  maxBodyBytes?: number;
  routes?: Route[];
  /** Which proxies may name the client (default: TRUST_PROXY). */
  trust?: TrustFn;
  /** Whether shoppers must sign in (default: SHOPPER_AUTH). */
  shopperAuth?: () => ShopperAuthMode;
}

interface Compiled {
  route: Route;
  label: string;
}

interface PathEntry {
  pattern: string;
  regex?: RegExp;
  params: string[];
  methods: Map<string, Compiled>;
}

const ALLOW_HEADERS = `authorization, content-type, x-request-id, ${POW_HEADER}`;

function compile(routes: Route[], base: string) {
  const statics = new Map<string, PathEntry>();
  const dynamic: PathEntry[] = [];
  for (const route of routes) {
    const pattern = `${base}${route.path}`;
    const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    let entry = params.length ? dynamic.find((e) => e.pattern === pattern) : statics.get(pattern);
    if (!entry) {
      entry = { pattern, params, methods: new Map() };
      if (params.length) {
        entry.regex = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '([^/]+)')}$`);
        dynamic.push(entry);
      } else {
        statics.set(pattern, entry);
      }
    }
    entry.methods.set(route.method, { route, label: `${route.method} ${pattern}` });
  }
  return (path: string): { entry: PathEntry; params: Record<string, string> } | undefined => {
    const hit = statics.get(path);
    if (hit) return { entry: hit, params: {} };
    for (const entry of dynamic) {
      const m = entry.regex!.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      entry.params.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]!);
        } catch {
          params[name] = m[i + 1]!;
        }
      });
      return { entry, params };
    }
    return undefined;
  };
}

/** The query string as name -> value; a name given twice is refused (which one would count?). */
function parseQuery(qs: string): Record<string, unknown> {
  const params = new URLSearchParams(qs);
  const repeated = repeatedParam(params);
  if (repeated) throw duplicated(repeated, repeatedParamMessage(repeated));
  return Object.fromEntries(params); // own properties only, even for a name like __proto__
}

function duplicated(name: string, message: string): RestError {
  return new RestError(400, 'INVALID_INPUT', message, {}, { [name]: [message] });
}

export function createRestHandler(opts: RestOptions = {}) {
  const base = opts.basePath ?? REST_BASE_PATH;
  const deps = opts.deps ?? defaultDeps;
  const limits = opts.rateLimits ?? rateLimitSettings;
  const maxBody = opts.maxBodyBytes ?? env.REST_MAX_BODY_BYTES;
  const table = opts.routes ?? defaultRoutes;
  const shopperMode = opts.shopperAuth ?? shopperAuthMode;
  const match = compile(table, base);
  let openApiJson: string | undefined;
  const openApi = () => (openApiJson ??= JSON.stringify(buildOpenApi(table, base, { shopperAuth: shopperMode() })));
  const docsHtml = docsPage(`${base}/openapi.json`);

  async function run(
    req: IncomingMessage,
    res: ServerResponse,
    c: Compiled,
    params: Record<string, string>,
    query: string,
    ctx: RestContext,
  ) {
    const { route } = c;
    const { requestId } = ctx;
    const mode = shopperMode();
    if (route.auth === 'admin') {
      ctx.session = await sessionFromRequest(req);
      if (!ctx.session) throw UnauthorizedError();
      if (ctx.session.role !== 'admin') throw ForbiddenError();
    }
    if (route.auth === 'shopper') {
      // A bearer token only: a browser's session cookie must not act through the REST API.
      ctx.session = await sessionFromRequest(req, { bearerOnly: true });
      // A token that does not check out is refused in either mode: its sender meant to be someone.
      if (!ctx.session && (mode === 'verified' || req.headers.authorization !== undefined)) throw ShopperSignInRequiredError();
    }
    let input: unknown = undefined;
    if (route.input) {
      const raw = route.input.from === 'body' ? await readJsonBody(req, maxBody) : parseQuery(query);
      for (const name of Object.keys(params)) {
        if (Object.hasOwn(raw, name))
          throw duplicated(
            name,
            `${name} is given in the path; do not send it again in the ${route.input.from === 'body' ? 'body' : 'query string'}`,
          );
      }
      const parsed = route.input.schema.safeParse({ ...raw, ...params });
      // Open mode, nobody signed in: the request must name its buyer (reported with the other problems).
      const nobody = route.auth === 'shopper' && !ctx.session && raw.email === undefined;
      if (!parsed.success || nobody) {
        const missing = nobody ? [{ code: 'custom' as const, path: ['email'], message: EMAIL_OR_TOKEN_REQUIRED, input: undefined }] : [];
        throw new ZodError([...missing, ...(parsed.success ? [] : parsed.error.issues)]);
      }
      input = parsed.data;
    } else if (query) {
      throw new RestError(400, 'INVALID_INPUT', 'This endpoint takes no query parameters');
    }
    if (route.auth === 'shopper') {
      const named = (input as { email?: string } | undefined)?.email;
      ctx.shopper = actingShopper(mode, ctx.session, named, { adminsMayName: route.adminsMayName });
    }
    if (route.rateLimit) {
      // The account: the shopper acted for, else the email a sign-in names.
      const email = ctx.shopper ?? (input as { email?: unknown } | undefined)?.email;
      await checkRateLimit(ctx.deps.redis, limits(), route.rateLimit, { ip: ctx.ip, email: typeof email === 'string' ? email : undefined });
    }
    if (route.pow) await requirePowSolution(ctx.deps, req.headers[POW_HEADER], 'X-Altcha');
    const result = await route.handle(ctx, input);
    if (result instanceof Reply) {
      const { status = route.status ?? 200, body, json, headers } = result.init;
      return sendJson(res, status, json ?? JSON.stringify(body), requestId, headers);
    }
    sendJson(res, route.status ?? 200, JSON.stringify(result), requestId);
  }

  return async function restHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let path = q === -1 ? url : url.slice(0, q);
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const query = q === -1 ? '' : url.slice(q + 1);
    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = requestIdOf(req);
    const ip = clientIp(req, opts.trust);

    try {
      if (path === `${base}/openapi.json` || path === '/docs' || path === `${base}/docs`) {
        setRouteLabel(res, `GET ${path === `${base}/openapi.json` ? path : '/docs'}`);
        if (method !== 'GET' && method !== 'HEAD')
          throw new RestError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: 'GET, HEAD' });
        const isDoc = path !== `${base}/openapi.json`;
        const body = isDoc ? docsHtml : openApi();
        res.writeHead(200, {
          'content-type': isDoc ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(body)),
          'cache-control': 'no-cache',
          'access-control-allow-origin': '*',
          ...(isDoc ? { 'content-security-policy': DOCS_CSP } : {}),
        });
        res.end(method === 'HEAD' ? undefined : body);
        return;
      }
      if (path.startsWith(`${DOCS_ASSETS_PATH}/`)) {
        setRouteLabel(res, `GET ${DOCS_ASSETS_PATH}`);
        const asset = docsAsset(path.slice(DOCS_ASSETS_PATH.length + 1));
        if (!asset) throw new RestError(404, 'NOT_FOUND', `No docs asset ${path.slice(0, 200)}`);
        if (method !== 'GET' && method !== 'HEAD')
          throw new RestError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`, { allow: 'GET, HEAD' });
        res.writeHead(200, {
          'content-type': asset.type,
          'content-length': String(asset.body.length),
          'cache-control': 'public, max-age=3600',
          'x-content-type-options': 'nosniff',
        });
        res.end(method === 'HEAD' ? undefined : asset.body);
        return;
      }

      const found = match(path);
      if (!found) {
        setRouteLabel(res, 'unmatched');
        throw new RestError(404, 'NOT_FOUND', `No endpoint ${method} ${path.slice(0, 200)}; see ${base}/openapi.json`);
      }
      const allowed = [...found.entry.methods.keys()].join(', ');
      if (method === 'OPTIONS') {
        setRouteLabel(res, `OPTIONS ${found.entry.pattern}`);
        res.writeHead(204, {
          allow: allowed,
          'access-control-allow-origin': '*',
          'access-control-allow-methods': allowed,
          'access-control-allow-headers': ALLOW_HEADERS,
          'access-control-max-age': '600',
        });
        res.end();
        return;
      }
      const c = found.entry.methods.get(method);
      if (!c) {
        setRouteLabel(res, `${method} ${found.entry.pattern}`);
        throw new RestError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${found.entry.pattern}; use ${allowed}`, {
          allow: allowed,
        });
      }
      setRouteLabel(res, c.label);
      await run(req, res, c, found.params, query, { deps: deps(), session: null, ip, requestId });
    } catch (err) {
      try {
        sendError(res, err, requestId, `${method} ${path.slice(0, 200)} from ${ip}`);
      } catch (failure) {
        // Never leave the client hanging because its error could not be described.
        sendError(res, failure, requestId, `describing the error of ${method} ${path.slice(0, 200)}`);
      }
    }
  };
}

let shared: ReturnType<typeof createRestHandler> | undefined;

/** The app's REST handler (process-wide deps and env settings). */
export function restHandler(req: IncomingMessage, res: ServerResponse): Promise<void> {
  shared ??= createRestHandler();
  return shared(req, res);
}
