/**
 * Property-based fuzzing (fast-check) of every REST route and every tRPC procedure, over HTTP
 * through the app's request handler, against a live sale with a paid buyer and a held unit and an
 * upcoming sale: wrong types, missing and extra fields, huge and unicode strings, operator
 * injection ({"$ne": null}), repeated and malformed query parameters, bad JSON and superjson,
 * bad path parameters, wrong methods, batches, and bad tokens (garbage, foreign secret, expired,
 * an unverified shopper's, a shopper's on admin routes) on otherwise valid requests. Shopper
 * routes are sent with the holding buyer's token (SHOPPER_AUTH=verified).
 *
 * Every generated request is bad: inputs the route's own schema would accept are discarded, so
 * nothing may legitimately change. Claims: no answer is a 5xx; every answer is a 4xx whose
 * message is our sentence, not library text; MongoDB (every collection of this file's own
 * database) and Redis (every key of both sales, DUMP + expiry) are byte-for-byte unchanged.
 * Prints the count of answers per route and status.
 */
import './http/private-database';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import mongoose from 'mongoose';
import superjson from 'superjson';
import { encode } from 'next-auth/jwt';
import type { z } from 'zod';
import { env } from '@/env';
import { issueToken } from '@/server/auth/session';
import { routes, type Route } from '@/server/rest/routes';
import { appRouter } from '@/server/root';
import { admin, openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { serveApp, type AppServer } from './http/app-server';

/** FUZZ_RUNS raises the runs per target for a longer hunt; FUZZ_SEED replays a printed run. */
const RUNS_PER_TARGET = Number(process.env.FUZZ_RUNS ?? 50);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const MIN_TOTAL = 1000;
/** Wording that is a library's, not ours. */
const LIBRARY_TEXT =
  /Invalid input|Invalid option|expected .* received|Unrecognized key|Too (small|big)|Invalid ISO|Expected property|JSON at position|Unexpected token|Maximum call stack|is not iterable|Cannot read prop/i;

// ---------------------------------------------------------------------------------------------
// Values

const operators = fc.constantFrom<unknown>(
  { $ne: null },
  { $gt: '' },
  { $regex: '.*' },
  { $where: 'sleep(1000) || true' },
  { $in: [] },
  { $exists: true },
  ['$ne', null],
);
const numericText = fc.constantFrom('3', '2.5', '-1', '1e3', '0x10', ' 7 ', 'NaN', 'Infinity', '', '00', '١٢', '9'.repeat(30));
const dateText = fc.constantFrom(
  'tomorrow',
  '2030-01-01',
  '2030-01-01T10:00',
  '2030-13-01T00:00:00Z',
  '1893456000000',
  '2020-01-01T00:00:00Z',
  '0000-00-00T00:00:00Z',
);
const huge = (max: number) =>
  fc
    .tuple(fc.integer({ min: 300, max }), fc.constantFrom('x', 'é', '🙂', '\u0000', '%', '"', 'a@b.co', '\u202e'))
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));
const unicode = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const emailish = fc.constantFrom(
  'not-an-email',
  '@example.com',
  'a@',
  'a@b',
  'ä@ü.ö',
  '<script>@x.io',
  'a@b.co\u0000',
  ' ',
  `${'a'.repeat(250)}@x.io`,
);
const hexish = fc.constantFrom(
  'abc',
  'g'.repeat(24),
  'a'.repeat(23),
  'a'.repeat(25),
  '0x' + 'a'.repeat(22),
  '../../etc/passwd',
  '%00',
  ' '.repeat(24),
);

/**
 * Anything a JSON (or superjson) field might be sent as. In a URL (tRPC queries) strings stay
 * under Node's 16 KB header limit so they reach the app: bodies take the big ones.
 */
const junkUpTo = (hugeMax: number): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 40 }),
    unicode,
    huge(hugeMax),
    operators,
    numericText,
    dateText,
    emailish,
    hexish,
    fc.date({ noInvalidDate: false }),
    fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  );
const junk = junkUpTo(20_000);
const urlJunk = junkUpTo(1_200);
/** Anything a query-string value might be (always text). */
const queryJunk: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  unicode,
  huge(1_200),
  numericText,
  dateText,
  emailish,
  hexish,
  fc.constantFrom('[$ne]', '{"$ne":null}', 'true', 'null', 'undefined', '%', '&', '='),
);
const extraKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', '$where', '$ne', 'role', 'isAdmin', 'currentQuantity', 'email[$ne]', 'a.b', ''),
  fc.string({ minLength: 1, maxLength: 12 }),
);

/** Sets a key as an own property (so `__proto__` is a field, not a prototype). */
function withKey(obj: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...obj };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}
function withoutKey(obj: Record<string, unknown>, key: string): Record<string, unknown> {
  const out = { ...obj };
  delete out[key];
  return out;
}

/** Input mutations: each makes an input that is wrong in at least one way (checked later). */
function mutatedInput(
  base: Record<string, unknown> | undefined,
  junk: fc.Arbitrary<unknown>,
): fc.Arbitrary<{ how: string; value: unknown }> {
  const keys = Object.keys(base ?? {});
  const obj = base ?? {};
  const options: fc.Arbitrary<{ how: string; value: unknown }>[] = [
    extraKey.chain((k) => junk.map((v) => ({ how: 'extra field', value: withKey(obj, k, v) }))),
    junk.map((v) => ({ how: 'wrong type (whole input)', value: v })),
  ];
  if (keys.length) {
    options.push(
      fc.constantFrom(...keys).chain((k) => junk.map((v) => ({ how: 'wrong type', value: withKey(obj, k, v) }))),
      fc.constantFrom(...keys).map((k) => ({ how: 'missing field', value: withoutKey(obj, k) })),
    );
  }
  if (keys.length >= 2) {
    options.push(
      fc
        .tuple(fc.subarray(keys, { minLength: 2 }), fc.array(junk, { minLength: keys.length, maxLength: keys.length }))
        .map(([ks, vs]) => ({ how: 'several wrong', value: ks.reduce((o, k, i) => withKey(o, k, vs[i]), obj) })),
    );
  }
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------------------------
// Requests

interface Req {
  how: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** A subscription: the answer is an event stream. */
  sse?: boolean;
}

interface Target {
  name: string;
  auth: 'public' | 'shopper' | 'admin';
  cases: fc.Arbitrary<Req>;
}

interface Tokens {
  admin: string;
  shopper: string;
  foreign: string;
  expired: string;
  /** A shopper session with no proof of its email (an open-mode guest's). */
  unverified: string;
}

/** Credentials that must not pass (for a shopper route a shopper token would; for admin it must not). */
function badAuth(auth: 'shopper' | 'admin', t: Tokens): fc.Arbitrary<{ how: string; headers: Record<string, string> }> {
  const tokens: fc.Arbitrary<{ how: string; token: string | undefined }> = fc.oneof(
    fc.constant({ how: 'no token', token: undefined }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((token) => ({ how: 'garbage token', token })),
    fc.constant({ how: 'unsigned JWT (alg none)', token: 'eyJhbGciOiJub25lIn0.eyJlbWFpbCI6Im1AeC5pbyIsInJvbGUiOiJhZG1pbiJ9.' }),
    fc.constant({ how: 'token from another secret', token: t.foreign }),
    fc.constant({ how: 'expired token', token: t.expired }),
    ...(auth === 'admin'
      ? [fc.constant({ how: 'shopper token', token: t.shopper })]
      : [fc.constant({ how: 'unverified shopper token', token: t.unverified })]),
  );
  return fc.tuple(tokens, fc.constantFrom('bearer', 'raw', 'cookie')).map(([{ how, token }, where]) => {
    if (token === undefined) return { how, headers: {} };
    const headers: Record<string, string> =
      where === 'bearer'
        ? { authorization: `Bearer ${token}` }
        : where === 'raw'
          ? { authorization: token }
          : { cookie: `next-auth.session-token=${encodeURIComponent(token)}` };
    return { how: `${how} (${where})`, headers };
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** A body as the REST API reads it: empty is {}, else JSON (undefined when it is not JSON). */
function readAsJson(body: string): unknown {
  if (!body.trim()) return {};
  try {
    return JSON.parse(body.trim());
  } catch {
    return undefined;
  }
}
const weighted = <T>(weight: number, arbitrary: fc.Arbitrary<T>): fc.WeightedArbitrary<T> => ({ weight, arbitrary });

/** Unreadable bodies, and readable ones of the wrong shape or type. */
const badBodies = fc.oneof(
  fc.constantFrom(
    '{',
    '{"email":',
    '[1,2]',
    'null',
    '"text"',
    '123',
    'true',
    '{"a":1}{',
    "{'email':'x'}",
    '\u0000',
    '{"__proto__":{"admin":true}}',
    'NaN',
    '{"json":',
  ),
  fc.string({ maxLength: 80 }),
  huge(30_000),
);
const contentTypes = fc.constantFrom<Record<string, string>>(
  JSON_TYPE,
  { 'content-type': 'text/plain' },
  { 'content-type': 'application/x-www-form-urlencoded' },
  {},
);

function restTarget(route: Route, ctx: { saleId: string; base: Record<string, unknown> | undefined; tokens: Tokens }): Target {
  const params = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]!);
  const from = route.input?.from;
  const schema = route.input?.schema;
  const pathOf = (values: Record<string, string>) =>
    `/api/v1${route.path.replace(/:([A-Za-z]+)/g, (_, p: string) => encodeURIComponent(values[p] ?? ''))}`;
  const goodParams = Object.fromEntries(params.map((p) => [p, ctx.saleId]));
  const authHeaders: Record<string, string> =
    route.auth === 'admin'
      ? { authorization: `Bearer ${ctx.tokens.admin}` }
      : route.auth === 'shopper'
        ? { authorization: `Bearer ${ctx.tokens.shopper}` }
        : {};
  const base = ctx.base;

  /** Whether the route would take this input (then it is not a bad request and is skipped). */
  const accepted = (input: Record<string, unknown>, pathValues: Record<string, string>) => {
    if (params.some((p) => Object.hasOwn(input, p))) return false; // a path parameter repeated: refused
    if (!schema) return Object.keys(input).length === 0;
    return schema.safeParse({ ...input, ...pathValues }).success;
  };
  const req = (how: string, input: unknown, pathValues = goodParams, headers: Record<string, string> = authHeaders): Req => {
    if (from === 'body')
      return { how, method: route.method, url: pathOf(pathValues), headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(input) };
    const qs = new URLSearchParams(input as Record<string, string>).toString();
    return { how, method: route.method, url: `${pathOf(pathValues)}${qs ? `?${qs}` : ''}`, headers };
  };

  const cases: fc.WeightedArbitrary<Req>[] = [];
  if (from === 'body') {
    cases.push(
      weighted(
        6,
        mutatedInput(base, junk)
          .filter(({ value }) => {
            const sent = JSON.parse(JSON.stringify(value ?? null)) as unknown; // what the server will see
            return !(sent && typeof sent === 'object' && !Array.isArray(sent) && accepted(sent as Record<string, unknown>, goodParams));
          })
          .map(({ how, value }) => req(how, value)),
      ),
      weighted(
        2,
        fc
          .tuple(badBodies, contentTypes)
          // An empty body reads as {} (a POST with nothing to say), and a string may happen to be JSON.
          .filter(([body, type]) => {
            if (type['content-type'] && type['content-type'] !== JSON_TYPE['content-type']) return true; // 415
            const sent = readAsJson(body);
            return !(sent && typeof sent === 'object' && !Array.isArray(sent) && accepted(sent as Record<string, unknown>, goodParams));
          })
          .map(([body, type]) => ({
            how: 'bad JSON body',
            method: route.method,
            url: pathOf(goodParams),
            headers: { ...authHeaders, ...type },
            body,
          })),
      ),
      weighted(
        1,
        fc.constant(null).map(() => ({
          ...req('valid body, form content type', base),
          headers: { ...authHeaders, 'content-type': 'application/x-www-form-urlencoded' },
        })),
      ),
    );
  } else {
    // Query strings: every value is text; names can repeat.
    const q = (base ?? {}) as Record<string, string>;
    const keys = Object.keys(q);
    const entries = (o: Record<string, string>) => Object.entries(o);
    const queryCases: fc.Arbitrary<{ how: string; pairs: [string, string][] }>[] = [
      fc.tuple(extraKey, queryJunk).map(([k, v]) => ({ how: 'extra parameter', pairs: [...entries(q), [k, v]] })),
    ];
    if (keys.length) {
      queryCases.push(
        fc.tuple(fc.constantFrom(...keys), queryJunk).map(([k, v]) => ({ how: 'wrong value', pairs: entries({ ...q, [k]: v }) })),
        fc.constantFrom(...keys).map((k) => ({ how: 'missing parameter', pairs: entries(withoutKey(q, k) as Record<string, string>) })),
        fc
          .tuple(fc.constantFrom(...keys), fc.option(queryJunk, { nil: undefined }))
          .map(([k, v]) => ({ how: 'repeated parameter', pairs: [...entries(q), [k, v ?? q[k]!]] })),
        fc.constantFrom(...keys).map((k) => ({
          how: 'operator in the name',
          pairs: [...entries(withoutKey(q, k) as Record<string, string>), [`${k}[$ne]`, 'x']],
        })),
      );
    }
    cases.push(
      weighted(
        7,
        fc
          .oneof(...queryCases)
          .filter(({ pairs }) => new Set(pairs.map(([k]) => k)).size < pairs.length || !accepted(Object.fromEntries(pairs), goodParams))
          .map(({ how, pairs }) => ({
            how,
            method: route.method,
            url: `${pathOf(goodParams)}?${new URLSearchParams(pairs).toString()}`,
            headers: authHeaders,
          })),
      ),
      weighted(
        1,
        fc.constantFrom('%', '%E0%A4%A', '=x', 'a=%00', '%%%', '&=&').map((raw) => ({
          how: 'malformed query string',
          method: route.method,
          url: `${pathOf(goodParams)}?${raw}`,
          headers: authHeaders,
        })),
      ),
    );
  }
  if (params.length) {
    cases.push(
      weighted(
        2,
        fc
          .tuple(
            fc.constantFrom(...params),
            fc.oneof(
              queryJunk.filter((v) => v.length > 0),
              hexish,
            ),
          )
          .filter(([p, v]) => !accepted(base ?? {}, { ...goodParams, [p]: v }))
          .map(([p, v]) => req('bad path parameter', base ?? {}, { ...goodParams, [p]: v })),
      ),
    );
  }
  cases.push(
    weighted(
      1,
      fc.constant(null).map(() => ({ ...req('method not allowed', base ?? {}), method: 'PATCH' })),
    ),
  );
  if (route.auth !== 'public') {
    cases.push(
      weighted(
        3,
        badAuth(route.auth, ctx.tokens).map(({ how, headers }) => req(`${how}, valid input`, base ?? {}, goodParams, headers)),
      ),
    );
  }
  return { name: `REST ${route.method} ${route.path}`, auth: route.auth, cases: fc.oneof(...cases) };
}

interface ProcedureDef {
  _def: { type: 'query' | 'mutation' | 'subscription'; inputs: z.ZodType[] };
}

function trpcTarget(
  path: string,
  def: ProcedureDef['_def'],
  ctx: { base: unknown; auth: 'public' | 'shopper' | 'admin'; tokens: Tokens },
): Target {
  const schema = def.inputs[0]!;
  const session = ctx.auth === 'admin' ? ctx.tokens.admin : ctx.auth === 'shopper' ? ctx.tokens.shopper : undefined;
  const authHeaders: Record<string, string> = session ? { authorization: `Bearer ${session}` } : {};
  const sse = def.type === 'subscription';
  const send = (how: string, payload: string, headers = authHeaders, method = def.type === 'mutation' ? 'POST' : 'GET'): Req =>
    method === 'GET'
      ? { how, method, url: `/api/trpc/${path}?input=${encodeURIComponent(payload)}`, headers, sse }
      : { how, method, url: `/api/trpc/${path}`, headers: { ...JSON_TYPE, ...headers }, body: payload, sse };
  /** superjson's envelope; by hand for objects superjson refuses (keys such as constructor). */
  const serialize = (v: unknown) => {
    try {
      return JSON.stringify(superjson.serialize(v));
    } catch {
      return JSON.stringify({ json: v });
    }
  };
  /** Whether the procedure would take this raw `input` text, read as tRPC reads it (JSON, then superjson). */
  const acceptedRaw = (raw: string): boolean => {
    if (raw === '') return schema.safeParse(undefined).success; // no input at all
    try {
      return schema.safeParse(superjson.deserialize(JSON.parse(raw))).success;
    } catch {
      return false;
    }
  };
  const accepted = (v: unknown): boolean => acceptedRaw(serialize(v));
  const base = ctx.base as Record<string, unknown> | undefined;
  const envelopes = fc.constantFrom(
    '{xx',
    '',
    'null',
    '[]',
    JSON.stringify({ json: { a: 1 }, meta: { values: { a: ['class', 'X'] } } }),
    JSON.stringify({ json: { flashSaleId: '1' }, meta: { values: { flashSaleId: ['custom', 'Nope'] } } }),
    JSON.stringify({ json: {}, meta: { values: ['map'] } }),
    JSON.stringify({ json: { a: 1 }, meta: { referentialEqualities: { __proto__: ['a'] } } }),
    JSON.stringify({ json: 'x'.repeat(5000), meta: { values: ['Date'] } }),
  );
  const cases: fc.WeightedArbitrary<Req>[] = [
    weighted(
      7,
      mutatedInput(base, def.type === 'mutation' ? junk : urlJunk)
        .filter(({ value }) => !accepted(value))
        .map(({ how, value }) => send(how, serialize(value))),
    ),
    weighted(
      2,
      fc
        .oneof(envelopes, fc.string({ maxLength: 60 }))
        .filter((raw) => !acceptedRaw(raw))
        .map((raw) => send('bad JSON / superjson', raw)),
    ),
    // Two bad inputs in one batch.
    weighted(
      1,
      fc
        .tuple(urlJunk, urlJunk)
        .filter(([a, b]) => !accepted(a) && !accepted(b))
        .map(([a, b]): Req => {
          const batch = `{"0":${serialize(a)},"1":${serialize(b)}}`;
          const url = `/api/trpc/${path},${path}?batch=1`;
          return def.type === 'mutation'
            ? { how: 'batch of bad inputs', method: 'POST', url, headers: { ...JSON_TYPE, ...authHeaders }, body: batch, sse }
            : { how: 'batch of bad inputs', method: 'GET', url: `${url}&input=${encodeURIComponent(batch)}`, headers: authHeaders, sse };
        }),
    ),
    // The right input with the wrong method: nothing runs.
    weighted(
      1,
      fc
        .constantFrom(...(def.type === 'mutation' ? ['GET', 'PUT', 'DELETE'] : ['POST', 'PUT', 'DELETE']))
        .map((method) => send('wrong method, valid input', serialize(base), authHeaders, method)),
    ),
  ];
  if (ctx.auth !== 'public') {
    cases.push(
      weighted(
        3,
        badAuth(ctx.auth, ctx.tokens).map(({ how, headers }) => send(`${how}, valid input`, serialize(base), headers)),
      ),
    );
  }
  return { name: `tRPC ${path}`, auth: ctx.auth, cases: fc.oneof(...cases) };
}

// ---------------------------------------------------------------------------------------------
// Answers

interface Result {
  status: number;
  message: string | undefined;
  text: string;
}

async function perform(app: AppServer, r: Req): Promise<Result> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 15_000);
  try {
    const res = await fetch(app.base + r.url, { method: r.method, headers: r.headers, body: r.body, signal: ac.signal });
    if (r.sse && res.headers.get('content-type')?.startsWith('text/event-stream')) {
      // tRPC streams a subscription's refusal as an event: read until it arrives.
      const reader = res.body!.getReader();
      let text = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
        const m = /event: serialized-error\ndata: (.*)\n/.exec(text);
        if (m) {
          await reader.cancel();
          const err = JSON.parse(m[1]!) as { json: { message: string; data: { httpStatus: number } } };
          return { status: err.json.data.httpStatus, message: err.json.message, text };
        }
        if (/\nid: |\ndata: \{"json"/.test(text.replace(/event: connected\ndata: \{\}/, ''))) {
          await reader.cancel();
          return { status: 200, message: undefined, text: `a subscription was served: ${text.slice(0, 500)}` };
        }
      }
      return { status: res.status, message: undefined, text };
    }
    const text = await res.text();
    let json: { error?: { message?: string; json?: { message?: string } } } | { error?: { json?: { message?: string } } }[] | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const first = Array.isArray(json) ? json[0] : json;
    const message = (first?.error as { message?: string } | undefined)?.message ?? first?.error?.json?.message;
    return { status: res.status, message, text };
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// State

async function snapshot(redis: Engine['deps']['redis'], saleIds: string[]) {
  const keys: string[] = [];
  for (const id of saleIds) {
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `*{${id}}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  keys.sort();
  const redisState: Record<string, unknown> = {};
  for (const key of keys) {
    const [type, dump, expiresAt] = await Promise.all([redis.type(key), redis.dumpBuffer(key), redis.call('PEXPIRETIME', key)]);
    redisState[key] = { type, dump: dump?.toString('hex'), expiresAt };
  }
  const db = mongoose.connection.db!;
  // Every model's collection; plus whatever else the server lists (jongodb has no listCollections).
  const listed = await db
    .listCollections()
    .toArray()
    .then((cs) => cs.map((c) => c.name))
    .catch(() => [] as string[]);
  const names = [...new Set([...Object.values(mongoose.connection.models).map((m) => m.collection.collectionName), ...listed])].sort();
  const mongoState: Record<string, string> = {};
  for (const name of names) {
    mongoState[name] = mongoose.mongo.BSON.EJSON.stringify(await db.collection(name).find({}).sort({ _id: 1 }).toArray(), {
      relaxed: false,
    });
  }
  return { redis: redisState, mongo: mongoState };
}

// ---------------------------------------------------------------------------------------------

describe('API fuzz: bad input never answers 5xx and never changes state', () => {
  let engine: Engine;
  let app: AppServer;
  let saleIds: string[];
  let before0: Awaited<ReturnType<typeof snapshot>>;
  const targets: Target[] = [];
  const counts = new Map<string, Map<string, number>>();
  let total = 0;

  before(async () => {
    assert.match(env.MONGO_DB, /^test_[0-9a-f]{10}$/, 'this file runs on a database of its own');
    engine = await startEngine({ holdTtlSec: 900 });
    app = await serveApp(engine.deps);
    const live = await openSale(engine, 4, { endsInMs: 30 * 60_000 });
    const upcoming = await openSale(engine, 2, { startsInMs: 3_600_000, endsInMs: 7_200_000 });
    saleIds = [live.id, upcoming.id];

    // A paid buyer and a buyer holding a unit: state a leaky validation would visibly change.
    const paid = uniqueEmail('paid');
    const holder = uniqueEmail('holder');
    for (const email of [paid, holder]) {
      const buyer = engine.as(shopper(email));
      await buyer.orders.buy({ flashSaleId: live.id });
      await waitFor(async () => (await buyer.orders.position({ flashSaleId: live.id })).status === 'held', 30_000, `${email} holds`);
    }
    await engine.as(shopper(paid)).orders.confirm({ flashSaleId: live.id });

    const tokens: Tokens = {
      admin: await issueToken(admin),
      shopper: await issueToken(shopper(holder)),
      foreign: await encode({ token: { email: admin.email, role: 'admin', sub: admin.email }, secret: randomBytes(32).toString('base64') }),
      expired: await encode({ token: { email: admin.email, role: 'admin', sub: admin.email }, secret: env.NEXTAUTH_SECRET, maxAge: -60 }),
      unverified: await encode({ token: { email: holder, role: 'shopper', sub: holder }, secret: env.NEXTAUTH_SECRET }),
    };

    // Valid inputs to start from (each generated request is then made wrong).
    const hour = 3_600_000;
    const saleInput = {
      name: 'Fuzzed',
      description: 'x',
      startingQuantity: 3,
      pricePerUnit: 5,
      startsAt: new Date(Date.now() + hour).toISOString(),
      endsAt: new Date(Date.now() + 2 * hour).toISOString(),
    };
    const restBase: Record<string, Record<string, unknown> | undefined> = {
      getPublicSale: { flashSaleId: live.id },
      challenge: undefined,
      buy: { email: holder, flashSaleId: live.id },
      position: { email: holder, flashSaleId: live.id },
      confirm: { email: holder, flashSaleId: live.id, totalAmount: 5 },
      cancel: { email: holder, flashSaleId: live.id },
      ordersByEmail: { email: paid },
      signIn: { email: admin.email, password: 'not the password' },
      requestShopperCode: { email: uniqueEmail('fuzz-code') },
      verifyShopperCode: { email: holder, code: '123456' },
      listSales: { scope: 'live' },
      createSale: saleInput,
      updateSale: { name: 'Renamed by the fuzzer', startingQuantity: 9 },
      deleteSale: {},
      pauseSale: {},
      resumeSale: {},
      extendSale: { endsAt: new Date(Date.now() + 3 * hour).toISOString() },
      adminListOrders: { flashSaleId: live.id, status: 'paid', page: '1', pageSize: '10' },
      queueOverview: {},
      health: undefined,
    };
    for (const route of routes) {
      assert.ok(route.operationId in restBase, `a fuzz target for ${route.operationId}`);
      const onUpcoming = ['deleteSale', 'updateSale', 'pauseSale', 'resumeSale', 'extendSale'].includes(route.operationId);
      targets.push(restTarget(route, { saleId: onUpcoming ? upcoming.id : live.id, base: restBase[route.operationId], tokens }));
    }

    const trpcBase: Record<string, { auth: 'public' | 'shopper' | 'admin'; base: unknown }> = {
      'health.check': { auth: 'public', base: { roundTrip: false } },
      'sales.public': { auth: 'public', base: { flashSaleId: live.id } },
      'sales.listPublic': { auth: 'public', base: undefined },
      'sales.list': { auth: 'admin', base: { scope: 'all' } },
      'sales.get': { auth: 'admin', base: { id: live.id } },
      'sales.create': { auth: 'admin', base: { ...saleInput, startsAt: new Date(saleInput.startsAt), endsAt: new Date(saleInput.endsAt) } },
      'sales.update': { auth: 'admin', base: { id: upcoming.id, name: 'Renamed by the fuzzer' } },
      'sales.delete': { auth: 'admin', base: { id: upcoming.id } },
      'sales.pause': { auth: 'admin', base: { id: upcoming.id } },
      'sales.resume': { auth: 'admin', base: { id: upcoming.id } },
      'sales.extend': { auth: 'admin', base: { id: upcoming.id, endsAt: new Date(Date.now() + 3 * hour) } },
      'orders.buy': { auth: 'shopper', base: { flashSaleId: upcoming.id } },
      'orders.challenge': { auth: 'public', base: undefined },
      'orders.position': { auth: 'shopper', base: { flashSaleId: live.id } },
      'orders.watch': { auth: 'shopper', base: { flashSaleId: live.id } },
      'orders.confirm': { auth: 'shopper', base: { flashSaleId: live.id } },
      'orders.cancel': { auth: 'shopper', base: { flashSaleId: live.id } },
      'orders.byEmail': { auth: 'shopper', base: { email: holder } },
      'orders.adminList': { auth: 'admin', base: { flashSaleId: live.id, page: 1, pageSize: 10 } },
      'queue.overview': { auth: 'admin', base: { flashSaleId: live.id } },
      'users.signUpStatus': { auth: 'public', base: { token: '' } },
      'users.signUpFirstAdmin': { auth: 'public', base: { email: uniqueEmail('admin'), password: 'long enough password' } },
      'users.requestSignInCode': { auth: 'public', base: { email: uniqueEmail('fuzz-code') } },
      'users.me': { auth: 'shopper', base: undefined },
    };
    const procedures = appRouter._def.procedures as unknown as Record<string, ProcedureDef>;
    for (const [path, proc] of Object.entries(procedures)) {
      const spec = trpcBase[path];
      assert.ok(spec, `a fuzz target for tRPC ${path}`);
      targets.push(trpcTarget(path, proc._def, { ...spec, tokens }));
    }

    // Let the engine settle (the sale workflow publishing, the hold workflows starting), then freeze.
    let prev = JSON.stringify(await snapshot(engine.deps.redis, saleIds));
    for (let i = 0; i < 30; i++) {
      await sleep(1000);
      const cur = JSON.stringify(await snapshot(engine.deps.redis, saleIds));
      if (cur === prev) break;
      prev = cur;
    }
    before0 = await snapshot(engine.deps.redis, saleIds);
    assert.ok(Object.keys(before0.redis).length >= 8, `the sales have Redis state: ${Object.keys(before0.redis).join(', ')}`);
    assert.ok(before0.mongo.orders?.includes(paid), 'the paid order is in the snapshot');
  });

  after(async () => {
    await app?.close();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await engine?.stop();
  });

  it('every REST route and tRPC procedure: no 5xx, only readable 4xx', async (t) => {
    console.log(`fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED}), ${RUNS_PER_TARGET} runs per target`);
    for (const [i, target] of targets.entries()) {
      const byStatus = new Map<string, number>();
      counts.set(target.name, byStatus);
      await fc.assert(
        fc.asyncProperty(target.cases, async (r) => {
          const res = await perform(app, r);
          total++;
          const key = `${res.status}`;
          byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
          const what = `${target.name} [${r.how}] ${r.method} ${r.url.slice(0, 300)}${r.body ? ` body ${r.body.slice(0, 300)}` : ''}\n-> ${res.status} ${res.text.slice(0, 500)}`;
          assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx: ${what}`);
          assert.ok(res.message, `the answer says why: ${what}`);
          assert.doesNotMatch(res.message, LIBRARY_TEXT, `our wording, not a library's: ${what}`);
        }),
        { numRuns: RUNS_PER_TARGET, seed: SEED + i },
      );
    }
    const lines = [...counts].map(
      ([name, byStatus]) =>
        `${name.padEnd(52)} ${[...byStatus]
          .sort()
          .map(([s, n]) => `${s}: ${n}`)
          .join(', ')}`,
    );
    const statusTotals = new Map<string, number>();
    for (const byStatus of counts.values()) for (const [s, n] of byStatus) statusTotals.set(s, (statusTotals.get(s) ?? 0) + n);
    const summary = `${total} bad requests over ${targets.length} targets (${routes.length} REST routes, ${targets.length - routes.length} tRPC procedures): ${[
      ...statusTotals,
    ]
      .sort()
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ')}`;
    console.log(`\nAnswers per route and status:\n${lines.join('\n')}\n${summary}\n`);
    t.diagnostic(summary);
    assert.ok(total >= MIN_TOTAL, `at least ${MIN_TOTAL} bad requests (sent ${total})`);
  });

  it('MongoDB and Redis are byte-for-byte unchanged', async () => {
    await sleep(500);
    const after0 = await snapshot(engine.deps.redis, saleIds);
    assert.deepEqual(Object.keys(after0.redis), Object.keys(before0.redis), 'the same Redis keys');
    for (const key of Object.keys(before0.redis)) assert.deepEqual(after0.redis[key], before0.redis[key], `Redis ${key}`);
    assert.deepEqual(Object.keys(after0.mongo), Object.keys(before0.mongo), 'the same collections');
    for (const name of Object.keys(before0.mongo)) assert.equal(after0.mongo[name], before0.mongo[name], `collection ${name}`);
  });
});
