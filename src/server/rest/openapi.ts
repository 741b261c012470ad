/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate
 * the requests (z.toJSONSchema; OpenAPI 3.1 uses JSON Schema 2020-12 as is).
 */
import { z } from 'zod';
import type { Route } from './routes';
import type { ShopperAuthMode } from '../auth/shopper-identity';
import { ZErrorResponse } from './rest.schema';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: 'Invalid input: `error.fields` names each offending field',
  401: 'No or invalid bearer token',
  403: 'Refused: not an admin on admin endpoints, an admin email on the shopper sign-in, or (X-Altcha) a wrong, expired or already used proof-of-work solution (see `error.code`)',
  404: 'Not found',
  409: 'Refused by the sale rules (see `error.code`)',
  413: 'Body too large',
  415: 'Body is not JSON',
  429: 'Rate limited: retry after `Retry-After` seconds',
  500: 'Internal error (the answer carries only a request id)',
  503: 'A backing service is unavailable',
};

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      type Def = { type: string; out?: { _zod?: { def?: { format?: string } } }; options?: { _zod: { def: { type: string } } }[] };
      const def = (ctx.zodSchema as unknown as { _zod: { def: Def } })._zod.def;
      // Emails are trimmed and lower-cased before the format check (a pipe): say what is expected.
      if (def.type === 'pipe' && def.out?._zod?.def?.format === 'email') ctx.jsonSchema.format = 'email';
      // Dates are a Date (tRPC) or an ISO string (JSON): over REST only the string exists.
      if (def.type === 'union' && def.options?.some((o) => o._zod.def.type === 'date')) {
        for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
        Object.assign(ctx.jsonSchema, {
          type: 'string',
          format: 'date-time',
          description: 'ISO 8601 date-time with a time zone, e.g. 2030-01-31T18:00:00Z',
        });
      }
    },
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** Drops the properties that travel as path parameters from an input schema. */
function withoutParams(schema: JsonSchema, params: string[]): JsonSchema {
  if (!params.length || !schema.properties) return schema;
  const properties = { ...schema.properties };
  for (const p of params) delete properties[p];
  const required = schema.required?.filter((r) => !params.includes(r));
  return { ...schema, properties, ...(required?.length ? { required } : { required: undefined }) };
}

/** What 401 and 403 mean on a shopper route (admin routes use STATUS_TEXT). */
const SHOPPER_STATUS_TEXT: Record<number, string> = {
  401: 'No valid shopper bearer token (with SHOPPER_AUTH=verified every shopper request needs one)',
  403: "The email given is not the signed-in shopper's (NOT_YOUR_EMAIL)",
};

export function buildOpenApi(routes: Route[], base: string, opts: { shopperAuth: ShopperAuthMode }) {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };

  for (const route of routes) {
    const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
    const oasPath = `${base}${route.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    const input = route.input ? toSchema(route.input.schema, 'input') : undefined;
    const parameters: unknown[] = params.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: input?.properties?.[name] ?? { type: 'string' },
    }));
    let requestBody: unknown;
    if (input && route.input?.from === 'query') {
      const q = withoutParams(input, params);
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
      }
    } else if (input) {
      requestBody = { required: true, content: { 'application/json': { schema: withoutParams(input, params) } } };
    }

    const statuses = new Set<number>([400, 500, ...(route.errors ?? [])]);
    if (route.auth !== 'public') [401, 403].forEach((s) => statuses.add(s));
    if (route.pow) {
      statuses.add(403);
      parameters.push({
        name: 'X-Altcha',
        in: 'header',
        required: false,
        description:
          'A solved proof-of-work challenge from `GET ' +
          base +
          '/challenge` (base64 JSON of challenge and solution). Required when the bot defence is on (BOT_CHALLENGE=pow): missing or unreadable is a 400, wrong, expired or already used a 403 (`error.code` BOT_CHALLENGE_*). Each solution is good for one buy.',
        schema: { type: 'string' },
      });
    }
    if (route.rateLimit) statuses.add(429);
    if (requestBody) [413, 415].forEach((s) => statuses.add(s));
    const ok = route.status ?? 200;
    const responses: Record<string, unknown> = {
      [ok]: { description: STATUS_TEXT[ok] ?? 'OK', content: { 'application/json': { schema: toSchema(route.response, 'output') } } },
    };
    for (const s of [...statuses].sort()) {
      responses[s] = {
        description: (route.auth === 'shopper' ? SHOPPER_STATUS_TEXT[s] : undefined) ?? STATUS_TEXT[s] ?? 'Error',
        ...(s === 429 ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } } : {}),
        content: { 'application/json': { schema: errorRef } },
      };
    }

    (paths[oasPath] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      // Shopper routes: the bearer token is required, or (SHOPPER_AUTH=open) optional.
      ...(route.auth === 'admin' || (route.auth === 'shopper' && opts.shopperAuth === 'verified')
        ? { security: [{ bearer: [] }] }
        : route.auth === 'shopper'
          ? { security: [{}, { bearer: [] }] }
          : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      ...(route.rateLimit ? { 'x-rate-limit': `per address and per account (${route.rateLimit})` } : {}),
      responses,
    };
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Flash sale API',
      version: '1.0.0',
      description:
        'REST API of the flash sale platform, compatible with the original system: FIFO queue, Fast Pass grants, durable holds and an atomic confirm. ' +
        (opts.shopperAuth === 'verified'
          ? `Shoppers sign in with a one-time code sent to their email (\`POST ${base}/auth/shopper/code\`, then \`POST ${base}/auth/shopper/verify\`) and send the bearer token it gives; ` +
            'the shopper endpoints act for that email only (an `email` field may be left out; any other is refused with 403). '
          : 'This server runs with SHOPPER_AUTH=open: buyers identify by the email they send (as in the original system), or by a shopper bearer token. ') +
        `Admin endpoints need a bearer token from \`POST ${base}/auth/sign-in\`. ` +
        'Errors are `{ error: { code, message, fields?, requestId } }`.',
    },
    tags: [
      { name: 'Flash sales', description: 'Public sale status' },
      { name: 'Orders', description: 'Buy, wait, confirm' },
      { name: 'Bot defence', description: 'Proof-of-work challenges (ALTCHA) that a buy needs when BOT_CHALLENGE=pow' },
      { name: 'Auth', description: 'Shopper sign-in (a code by email) and admin sign-in (password)' },
      { name: 'Admin', description: 'Sales and orders administration (bearer token, admin role)' },
      { name: 'Health', description: 'Service checks' },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Error: toSchema(ZErrorResponse, 'output') },
    },
  };
}
