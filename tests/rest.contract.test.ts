/**
 * REST API contract: every endpoint against the real engine (Redis, MongoDB, Temporal, an
 * in-process worker), served by the app's handler (tests/http/app-server.ts). Every 2xx
 * answer is parsed with the response schema the OpenAPI document publishes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { FlashSale, Order } from '@models/index';
import { issueToken } from '@/server/auth/session';
import { routes, type Route } from '@/server/rest/routes';
import * as S from '@/server/rest/rest.schema';
import { upsertAdmin } from '@/server/users/users.service';
import { admin, openSale, shopper, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { roomyRateLimits } from './support/rate-limits';
import { codeIn, mailCount, waitForMail } from './support/mailpit';
import { serveApp, type AppServer, type Answer, type ServeOptions } from './http/app-server';

const serve = (engine: Engine, opts: Pick<ServeOptions, 'routes'> = {}) => serveApp(engine.deps, { rateLimits: roomyRateLimits, ...opts });

/** Asserts a status and, for 2xx, that the body matches the documented schema. */
function expectOk<T extends z.ZodType>(res: Answer, status: number, schema: T): z.output<T> {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  const parsed = schema.safeParse(res.json);
  assert.ok(parsed.success, `response does not match its schema: ${parsed.error?.message}\n${res.text}`);
  return parsed.data;
}

/** Asserts an error answer: status, code, and (for 400) the named fields. */
function expectError(res: Answer, status: number, code: string, fields: string[] = []) {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  const parsed = S.ZErrorResponse.safeParse(res.json);
  assert.ok(parsed.success, `error body does not match the error schema: ${res.text}`);
  assert.equal(parsed.data.error.code, code, res.text);
  assert.ok(parsed.data.error.requestId, 'every error carries a request id');
  for (const f of fields) {
    assert.ok(parsed.data.error.fields?.[f]?.length, `field ${f} should be named in ${res.text}`);
    assert.match(parsed.data.error.message, new RegExp(f), `message should name ${f}: ${parsed.data.error.message}`);
  }
  return parsed.data.error;
}

const hex24 = () => randomUUID().replace(/-/g, '').slice(0, 24);

describe('REST API contract', () => {
  let engine: Engine;
  let api: AppServer;
  let adminToken: string;
  let shopperToken: string;
  /** GET /orders/position, as that buyer. */
  const positionOf = (email: string, saleId: string) =>
    api.call('GET', `/api/v1/orders/position?email=${encodeURIComponent(email)}&flashSaleId=${saleId}`, { as: email });
  /** Waits until the buyer holds a unit (position status ready). */
  const heldSoon = (email: string, saleId: string, what = 'hold') =>
    waitFor(async () => (await positionOf(email, saleId)).json.status === 'ready', 20_000, what);

  before(async () => {
    engine = await startEngine();
    api = await serve(engine);
    adminToken = await issueToken(admin);
    shopperToken = await issueToken(shopper(uniqueEmail('shopper')));
  });
  after(async () => {
    await api.close();
    await engine.stop();
  });

  describe('documents', () => {
    it('serves an OpenAPI 3.1 document listing every route, with bearer security on admin and shopper routes', async () => {
      const res = await api.call('GET', '/api/v1/openapi.json');
      assert.equal(res.status, 200);
      const doc = res.json;
      assert.equal(doc.openapi, '3.1.0');
      for (const r of routes) {
        const op = doc.paths[`/api/v1${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`]?.[r.method.toLowerCase()];
        assert.ok(op, `${r.method} ${r.path} missing from the document`);
        assert.ok(op.responses[String(r.status ?? 200)], `${r.operationId} documents its success answer`);
        assert.ok(op.responses['400'], `${r.operationId} documents 400`);
        if (r.auth !== 'public') assert.deepEqual(op.security, [{ bearer: [] }], `${r.operationId} needs a bearer token`);
        if (r.auth !== 'public') assert.ok(op.responses['401'] && op.responses['403'], `${r.operationId} documents 401 and 403`);
      }
      assert.match(doc.info.description, /auth\/shopper\/code/);
      const buy = doc.paths['/api/v1/orders/buy'].post;
      const body = buy.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['flashSaleId'], 'the token says who buys; email may be left out');
      assert.equal(body.properties.email.format, 'email');
      assert.match(buy.responses['403'].description, /NOT_YOUR_EMAIL/);
      assert.ok(buy.responses['429'].headers['Retry-After']);
      const pos = doc.paths['/api/v1/orders/position'].get;
      assert.deepEqual(pos.parameters.map((p: { name: string }) => p.name).sort(), ['email', 'flashSaleId']);
      const put = doc.paths['/api/v1/flash-sales/{id}'].put;
      assert.equal(put.parameters[0].in, 'path');
      assert.equal(put.requestBody.content['application/json'].schema.properties.id, undefined, 'path params are not body fields');
      const create = doc.paths['/api/v1/flash-sales'].post.requestBody.content['application/json'].schema;
      assert.deepEqual(
        [create.properties.startsAt.type, create.properties.startsAt.format],
        ['string', 'date-time'],
        'dates are ISO strings over REST',
      );
      assert.equal(create.properties.startingQuantity.type, 'integer');
      assert.doesNotMatch(res.text, /mongodb:|redis:\/\/|127\.0\.0\.1/);
    });

    it('serves Swagger UI at /docs and /api/v1/docs from this server only, under a CSP with no inline script, eval or other origin', async () => {
      for (const path of ['/docs', '/api/v1/docs']) {
        const res = await api.call('GET', path);
        assert.equal(res.status, 200, path);
        assert.match(res.headers.get('content-type') ?? '', /text\/html/);
        assert.match(res.text, /data-spec-url="\/api\/v1\/openapi\.json"/);
        assert.doesNotMatch(res.text, /<script(?![^>]*\ssrc=)[^>]*>/i, 'no inline script');
        const csp = res.headers.get('content-security-policy') ?? '';
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline|https?:|\*/);
      }
      // Every script and stylesheet the page names is ours and is served with its type.
      const page = await api.call('GET', '/docs');
      const assets = [...page.text.matchAll(/<(?:script[^>]+src|link[^>]+href)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(assets.includes('/docs/assets/swagger-ui-bundle.js') && assets.includes('/docs/assets/init.js'), assets.join(' '));
      for (const url of assets) {
        assert.match(url, /^\/docs\/assets\//, `${url} is served by us`);
        const res = await api.call('GET', url);
        assert.equal(res.status, 200, url);
        assert.match(
          res.headers.get('content-type') ?? '',
          url.endsWith('.js') ? /text\/javascript/ : url.endsWith('.css') ? /text\/css/ : /image\/png/,
        );
      }
      assert.match((await api.call('GET', '/docs/assets/init.js')).text, /SwaggerUIBundle\(/);
      expectError(await api.call('GET', '/docs/assets/package.json'), 404, 'NOT_FOUND');
      expectError(await api.call('GET', '/docs/assets/..%2Fdocs.ts'), 404, 'NOT_FOUND');
      expectError(await api.call('POST', '/docs/assets/init.js'), 405, 'METHOD_NOT_ALLOWED');
    });
  });

  describe('HTTP errors', () => {
    it('404 for unknown routes, 405 (with Allow) for a wrong method', async () => {
      expectError(await api.call('GET', '/api/v1/nope'), 404, 'NOT_FOUND');
      expectError(await api.call('GET', '/api/v1/orders/buy/extra'), 404, 'NOT_FOUND');
      const wrong = await api.call('GET', '/api/v1/orders/buy');
      expectError(wrong, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(wrong.headers.get('allow'), 'POST');
      const put = await api.call('PATCH', `/api/v1/flash-sales/${hex24()}`, { token: adminToken, body: {} });
      expectError(put, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(put.headers.get('allow'), 'PUT, DELETE');
    });

    it('413 for a body over the limit, 415 for a non-JSON body, 400 for malformed JSON', async () => {
      const big = JSON.stringify({ email: 'a@example.com', flashSaleId: hex24(), pad: 'x'.repeat(20_000) });
      const as = 'a@example.com';
      expectError(await api.call('POST', '/api/v1/orders/buy', { as, raw: big }), 413, 'PAYLOAD_TOO_LARGE');
      expectError(
        await api.call('POST', '/api/v1/orders/buy', {
          as,
          raw: 'email=a@example.com',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(await api.call('POST', '/api/v1/orders/buy', { as, raw: '{"email":' }), 400, 'INVALID_JSON');
      expectError(await api.call('POST', '/api/v1/orders/buy', { as, raw: '[1,2]' }), 400, 'INVALID_JSON');
      expectError(await api.call('POST', '/api/v1/auth/shopper/code', { raw: big }), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('500 says only "internal error" and a request id, never the cause', async () => {
      const boom: Route = {
        method: 'GET',
        path: '/boom',
        operationId: 'boom',
        summary: 'fails',
        tag: 'Health',
        auth: 'public',
        response: S.ZHealthResponse,
        handle: async () => {
          throw new Error('connect ECONNREFUSED mongodb://admin:secret@10.0.0.7:27017/db key=fsinv:{x}');
        },
      };
      const broken = await serve(engine, { routes: [boom] });
      const origError = console.error;
      console.error = () => {}; // the cause is logged server-side; keep the test output clean
      try {
        const res = await broken.call('GET', '/api/v1/boom', { headers: { 'x-request-id': 'req-123' } });
        const e = expectError(res, 500, 'INTERNAL');
        assert.equal(e.message, 'internal error');
        assert.equal(e.requestId, 'req-123');
        assert.equal(res.headers.get('x-request-id'), 'req-123');
        assert.doesNotMatch(res.text, /ECONNREFUSED|mongodb|secret|fsinv|at .*\.ts/);
      } finally {
        console.error = origError;
        await broken.close();
      }
    });
  });

  describe('auth', () => {
    const adminCalls = (saleId: string): [string, string, unknown?][] => [
      ['GET', '/api/v1/flash-sales'],
      ['POST', '/api/v1/flash-sales', {}],
      ['PUT', `/api/v1/flash-sales/${saleId}`, { name: 'x' }],
      ['DELETE', `/api/v1/flash-sales/${saleId}`],
      ['GET', '/api/v1/orders/admin/list'],
      ['GET', `/api/v1/orders/admin/queue/${saleId}/overview`],
    ];

    it('admin endpoints: 401 without a token or with a bad one, 403 with a shopper token', async () => {
      const sale = await openSale(engine, 1);
      for (const [method, path, body] of adminCalls(sale.id)) {
        expectError(await api.call(method, path, { body }), 401, 'UNAUTHORIZED');
        expectError(await api.call(method, path, { body, token: 'not-a-token' }), 401, 'UNAUTHORIZED');
        expectError(await api.call(method, path, { body, token: shopperToken }), 403, 'FORBIDDEN');
      }
      assert.ok(await FlashSale.exists({ _id: sale.id }), 'refused calls change nothing');
    });

    it('sign-in: an admin gets a bearer token; wrong password 401; bad input 400 naming the fields', async () => {
      const email = uniqueEmail('admin');
      const password = `pw-${randomUUID()}`;
      await upsertAdmin(engine.deps, { email, password });

      const ok = expectOk(
        await api.call('POST', '/api/v1/auth/sign-in', { body: { email: email.toUpperCase(), password } }),
        200,
        S.ZSignInResponse,
      );
      assert.deepEqual(ok.user, { email, role: 'admin' });
      expectOk(await api.call('GET', '/api/v1/flash-sales', { token: ok.token }), 200, S.ZSaleListResponse);

      expectError(
        await api.call('POST', '/api/v1/auth/sign-in', { body: { email, password: 'wrong-password' } }),
        401,
        'INVALID_CREDENTIALS',
      );
      expectError(await api.call('POST', '/api/v1/auth/sign-in', { body: { email: uniqueEmail(), password } }), 401, 'INVALID_CREDENTIALS');
      expectError(await api.call('POST', '/api/v1/auth/sign-in', { body: { email: 'nope' } }), 400, 'INVALID_INPUT', ['email', 'password']);
    });

    it('shopper sign-in: a code by mail (read from Mailpit), then a bearer token for the shopper routes; wrong or used code 401; bad input 400', async () => {
      const email = uniqueEmail('code');
      const seen = await mailCount(email);
      const sent = expectOk(await api.call('POST', '/api/v1/auth/shopper/code', { body: { email } }), 200, S.ZShopperCodeResponse);
      assert.equal(sent.email, email);
      const code = codeIn(await waitForMail(email, seen));
      expectError(
        await api.call('POST', '/api/v1/auth/shopper/verify', { body: { email, code: code === '000000' ? '111111' : '000000' } }),
        401,
        'CODE_WRONG',
      );
      const ok = expectOk(await api.call('POST', '/api/v1/auth/shopper/verify', { body: { email, code } }), 200, S.ZSignInResponse);
      assert.deepEqual(ok.user, { email, role: 'shopper' });
      expectOk(await api.call('GET', '/api/v1/orders/by-email', { token: ok.token }), 200, S.ZByEmailResponse);
      expectError(await api.call('POST', '/api/v1/auth/shopper/verify', { body: { email, code } }), 401, 'CODE_USED');
      expectError(await api.call('POST', '/api/v1/auth/shopper/code', { body: { email: 'nope', extra: 1 } }), 400, 'INVALID_INPUT', [
        'email',
        'extra',
      ]);
      expectError(await api.call('POST', '/api/v1/auth/shopper/verify', { body: { email } }), 400, 'INVALID_INPUT', ['code']);
    });

    it('shopper routes: 401 without a token or with a bad one; 403 when the input names another shopper', async () => {
      const sale = await openSale(engine, 1);
      const email = uniqueEmail();
      const calls: [string, string, Record<string, unknown>?][] = [
        ['POST', '/api/v1/orders/buy', { flashSaleId: sale.id }],
        ['GET', `/api/v1/orders/position?flashSaleId=${sale.id}`],
        ['POST', '/api/v1/orders/confirm', { flashSaleId: sale.id }],
        ['POST', '/api/v1/orders/cancel', { flashSaleId: sale.id }],
        ['GET', '/api/v1/orders/by-email'],
      ];
      for (const [method, path, body] of calls) {
        expectError(await api.call(method, path, { body }), 401, 'UNAUTHORIZED');
        expectError(await api.call(method, path, { body, token: 'not-a-token' }), 401, 'UNAUTHORIZED');
        const someoneElse = uniqueEmail();
        const named = body
          ? { path, body: { ...body, email: someoneElse } }
          : { path: `${path}${path.includes('?') ? '&' : '?'}email=${encodeURIComponent(someoneElse)}`, body: undefined };
        expectError(await api.call(method, named.path, { body: named.body, as: email }), 403, 'NOT_YOUR_EMAIL');
      }
      assert.equal((await engine.deps.scripts.snapshot(sale.id)).queueSize, 0, 'refused calls change nothing');
    });
  });

  describe('admin: sales', () => {
    it('create (201), list, update, delete; bad input 400 naming the fields; unknown id 404', async () => {
      const now = Date.now();
      const input = {
        name: 'REST sale',
        description: 'contract test',
        startingQuantity: 5,
        pricePerUnit: 12.5,
        startsAt: new Date(now + 3_600_000).toISOString(),
        endsAt: new Date(now + 7_200_000).toISOString(),
      };
      const created = expectOk(await api.call('POST', '/api/v1/flash-sales', { token: adminToken, body: input }), 201, S.ZSaleItem);
      assert.equal(created.startingQuantity, 5);
      assert.equal(created.currentQuantity, 5);
      assert.equal(created.startsAt, input.startsAt);

      const list = expectOk(await api.call('GET', '/api/v1/flash-sales?scope=upcoming', { token: adminToken }), 200, S.ZSaleListResponse);
      assert.ok(list.items.some((s) => s.id === created.id && s.status === 'upcoming'));
      expectError(await api.call('GET', '/api/v1/flash-sales?scope=soon', { token: adminToken }), 400, 'INVALID_INPUT', ['scope']);

      const updated = expectOk(
        await api.call('PUT', `/api/v1/flash-sales/${created.id}`, { token: adminToken, body: { name: 'Renamed', startingQuantity: 7 } }),
        200,
        S.ZSaleItem,
      );
      assert.equal(updated.name, 'Renamed');
      assert.equal(updated.currentQuantity, 7);

      expectError(
        await api.call('POST', '/api/v1/flash-sales', {
          token: adminToken,
          body: { ...input, name: '', startingQuantity: 0, endsAt: input.startsAt, colour: 'red' },
        }),
        400,
        'INVALID_INPUT',
        ['name', 'startingQuantity', 'colour'],
      );
      expectError(
        await api.call('POST', '/api/v1/flash-sales', { token: adminToken, body: { ...input, endsAt: new Date(now).toISOString() } }),
        400,
        'INVALID_INPUT',
        ['endsAt'],
      );
      expectError(
        await api.call('PUT', '/api/v1/flash-sales/not-an-id', { token: adminToken, body: { name: 'x' } }),
        400,
        'INVALID_INPUT',
        ['id'],
      );
      expectError(
        await api.call('PUT', `/api/v1/flash-sales/${hex24()}`, { token: adminToken, body: { name: 'x' } }),
        404,
        'SALE_NOT_FOUND',
      );

      const del = expectOk(
        await api.call('DELETE', `/api/v1/flash-sales/${created.id}`, { token: adminToken }),
        200,
        S.ZDeleteSaleResponse,
      );
      assert.equal(del.id, created.id);
      assert.equal(await FlashSale.exists({ _id: created.id }), null);
      expectError(await api.call('DELETE', `/api/v1/flash-sales/${created.id}`, { token: adminToken }), 404, 'SALE_NOT_FOUND');
    });
  });

  describe('admin: live sale', () => {
    it('pause (nothing granted, the queue keeps its order, holders still pay), resume, extend; refusals 404 / 409', async () => {
      const sale = await openSale(engine, 3);
      const [a, b, c] = [uniqueEmail('pa'), uniqueEmail('pb'), uniqueEmail('pc')];
      const buy = async (email: string) =>
        expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body: { email, flashSaleId: sale.id } }), 200, S.ZBuyResponse);
      assert.equal((await buy(a)).status, 'ready');

      const paused = expectOk(await api.call('POST', `/api/v1/flash-sales/${sale.id}/pause`, { token: adminToken }), 200, S.ZSaleItem);
      assert.ok(paused.pausedAt, 'pausedAt is set');
      const pub = expectOk(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`), 200, S.ZPublicSaleResponse);
      assert.equal(pub.meta.paused, true);
      // Two units are free, yet a paused sale grants nothing: b and c queue, in order.
      assert.equal((await buy(b)).status, 'queued');
      const cq = await buy(c);
      assert.equal(cq.status, 'queued');
      assert.equal(cq.position, 2);
      // The holder keeps the hold and may pay.
      expectOk(
        await api.call('POST', '/api/v1/orders/confirm', { as: a, body: { email: a, flashSaleId: sale.id } }),
        200,
        S.ZConfirmResponse,
      );

      const resumed = expectOk(await api.call('POST', `/api/v1/flash-sales/${sale.id}/resume`, { token: adminToken }), 200, S.ZSaleItem);
      assert.equal(resumed.pausedAt, null);
      for (const email of [b, c]) {
        await heldSoon(email, sale.id, `${email} granted after resume`);
      }

      const later = new Date(sale.endsAt.getTime() + 3_600_000).toISOString();
      const extended = expectOk(
        await api.call('POST', `/api/v1/flash-sales/${sale.id}/extend`, { token: adminToken, body: { endsAt: later } }),
        200,
        S.ZSaleItem,
      );
      assert.equal(extended.endsAt, later);
      expectError(
        await api.call('POST', `/api/v1/flash-sales/${sale.id}/extend`, { token: adminToken, body: { endsAt: sale.endsAt.toISOString() } }),
        409,
        'SALE_LOCKED',
      );
      expectError(await api.call('POST', `/api/v1/flash-sales/${sale.id}/extend`, { token: adminToken, body: {} }), 400, 'INVALID_INPUT', [
        'endsAt',
      ]);
      const upcoming = await openSale(engine, 1, { startsInMs: 3_600_000, endsInMs: 7_200_000 });
      expectError(await api.call('POST', `/api/v1/flash-sales/${upcoming.id}/pause`, { token: adminToken }), 409, 'SALE_LOCKED');
      expectError(await api.call('POST', `/api/v1/flash-sales/${hex24()}/pause`, { token: adminToken }), 404, 'SALE_NOT_FOUND');
      expectError(await api.call('POST', `/api/v1/flash-sales/${sale.id}/resume`), 401, 'UNAUTHORIZED');
    });
  });

  describe('public sale', () => {
    it('by id: item + meta (status, soldOut, progress); bad id 400; unknown id 404', async () => {
      const sale = await openSale(engine, 4, { price: 9 });
      const r = expectOk(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`), 200, S.ZPublicSaleResponse);
      assert.equal(r.item.id, sale.id);
      assert.equal(r.meta.status, 'ongoing');
      assert.equal(r.meta.soldOut, false);
      assert.deepEqual(r.meta.progress, { remaining: 4, starting: 4, ratio: 1 });

      expectError(await api.call('GET', '/api/v1/flash-sales/public/sale?flashSaleId=xyz'), 400, 'INVALID_INPUT', ['flashSaleId']);
      expectError(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}&x=1`), 400, 'INVALID_INPUT', ['x']);
      expectError(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${hex24()}`), 404, 'SALE_NOT_FOUND');
    });

    it('without an id: the sale running now (as the original system does)', async () => {
      await openSale(engine, 1);
      const r = expectOk(await api.call('GET', '/api/v1/flash-sales/public/sale'), 200, S.ZPublicSaleResponse);
      assert.equal(r.meta.status, 'ongoing');
    });
  });

  describe('orders', () => {
    it('buy -> position ready -> confirm -> same order on retry -> by-email, admin list, overview', async () => {
      const sale = await openSale(engine, 3, { price: 21 });
      const email = uniqueEmail();
      const body = { email, flashSaleId: sale.id };

      const bought = expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 200, S.ZBuyResponse);
      assert.ok(['queued', 'ready'].includes(bought.status), bought.status);
      assert.ok(bought.size >= 0);

      const ready = await waitFor(
        async () => {
          const p = expectOk(await positionOf(email, sale.id), 200, S.ZPositionResponse);
          return p.status === 'ready' ? p : null;
        },
        20_000,
        'hold',
      );
      assert.equal(ready.detail, 'held');
      assert.equal(ready.hasActiveHold, true);
      assert.ok(ready.holdTtlSec > 0 && ready.holdTtlSec <= engine.config.holdTtlSec);

      // A repeated buy while holding is the same hold.
      const again = expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 200, S.ZBuyResponse);
      assert.equal(again.status, 'ready');
      assert.equal(again.queued, false);

      const confirmed = expectOk(
        await api.call('POST', '/api/v1/orders/confirm', { as: email, body: { ...body, totalAmount: 1 } }),
        200,
        S.ZConfirmResponse,
      );
      assert.equal(confirmed.order.userEmail, email);
      assert.equal(confirmed.order.totalAmount, 21, 'the sale price is charged, not the client total');
      assert.equal(confirmed.orderId, confirmed.order.id);
      const repeat = expectOk(await api.call('POST', '/api/v1/orders/confirm', { as: email, body }), 200, S.ZConfirmResponse);
      assert.equal(repeat.orderId, confirmed.orderId);

      const after = expectOk(await positionOf(email, sale.id), 200, S.ZPositionResponse);
      assert.equal(after.status, 'none');
      assert.equal(after.detail, 'purchased');
      expectError(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 409, 'ALREADY_PURCHASED');

      const mine = expectOk(
        await api.call('GET', `/api/v1/orders/by-email?email=${encodeURIComponent(email)}`, { as: email }),
        200,
        S.ZByEmailResponse,
      );
      assert.equal(mine.total, 1);
      assert.equal(mine.items[0]!.id, confirmed.orderId);
      assert.equal(mine.items[0]!.saleName, sale.name);

      const list = expectOk(
        await api.call('GET', `/api/v1/orders/admin/list?flashSaleId=${sale.id}&limit=10`, { token: adminToken }),
        200,
        S.ZAdminOrdersResponse,
      );
      assert.equal(list.total, 1);
      assert.equal(list.pageSize, 10, 'the original `limit` is accepted for pageSize');
      expectError(await api.call('GET', '/api/v1/orders/admin/list?page=0', { token: adminToken }), 400, 'INVALID_INPUT', ['page']);

      const ov = expectOk(
        await api.call('GET', `/api/v1/orders/admin/queue/${sale.id}/overview`, { token: adminToken }),
        200,
        S.ZQueueOverviewResponse,
      );
      assert.equal(ov.sold, 1);
      assert.equal(ov.grantsTotal, 1);
      assert.equal(ov.fairness.inversions, 0);
      assert.equal(ov.reconciliation.balanced, true);
      expectError(await api.call('GET', '/api/v1/orders/admin/queue/abc/overview', { token: adminToken }), 400, 'INVALID_INPUT', [
        'flashSaleId',
      ]);
      expectError(await api.call('GET', `/api/v1/orders/admin/queue/${hex24()}/overview`, { token: adminToken }), 404, 'SALE_NOT_FOUND');

      const ledger = await FlashSale.findById(sale.id).lean();
      assert.equal(ledger?.currentQuantity, 2);
    });

    it('bad input on buy / position / confirm / cancel / by-email: 400 naming the fields, nothing changes', async () => {
      const sale = await openSale(engine, 2);
      const as = uniqueEmail();
      for (const [method, path] of [
        ['POST', '/api/v1/orders/buy'],
        ['POST', '/api/v1/orders/confirm'],
        ['POST', '/api/v1/orders/cancel'],
      ] as const) {
        expectError(await api.call(method, path, { as, body: {} }), 400, 'INVALID_INPUT', ['flashSaleId']);
        expectError(await api.call(method, path, { as, body: { email: 'not-an-email', flashSaleId: sale.id } }), 400, 'INVALID_INPUT', [
          'email',
        ]);
        expectError(await api.call(method, path, { as, body: { email: as, flashSaleId: 'abc' } }), 400, 'INVALID_INPUT', ['flashSaleId']);
        expectError(await api.call(method, path, { as, body: { flashSaleId: sale.id, admin: true } }), 400, 'INVALID_INPUT', ['admin']);
        expectError(await api.call(method, path, { as, body: { email: 42, flashSaleId: sale.id } }), 400, 'INVALID_INPUT', ['email']);
      }
      expectError(await api.call('GET', '/api/v1/orders/position', { as }), 400, 'INVALID_INPUT', ['flashSaleId']);
      expectError(await api.call('GET', '/api/v1/orders/by-email?email=nope', { as }), 400, 'INVALID_INPUT', ['email']);
      expectError(await api.call('GET', `/api/v1/orders/by-email?who=${encodeURIComponent(as)}`, { as }), 400, 'INVALID_INPUT', ['who']);
      const p = expectOk(await api.call('GET', `/api/v1/orders/position?flashSaleId=${sale.id}`, { as }), 200, S.ZPositionResponse);
      assert.equal(p.status, 'none');
      const snapQueue = await engine.deps.redis.zcard(`fsq:{${sale.id}}`);
      assert.equal(snapQueue, 0, 'no bad request joined the queue');
    });

    it('409 when confirming without a hold, buying an unknown / not started / sold-out sale', async () => {
      const sale = await openSale(engine, 1);
      const email = uniqueEmail();
      expectError(
        await api.call('POST', '/api/v1/orders/confirm', { as: email, body: { email, flashSaleId: sale.id } }),
        409,
        'NO_ACTIVE_HOLD',
      );
      expectError(
        await api.call('POST', '/api/v1/orders/buy', { as: email, body: { email, flashSaleId: hex24() } }),
        404,
        'SALE_NOT_FOUND',
      );

      const later = await openSale(engine, 1, { startsInMs: 3_600_000, endsInMs: 7_200_000 });
      expectError(
        await api.call('POST', '/api/v1/orders/buy', { as: email, body: { email, flashSaleId: later.id } }),
        409,
        'SALE_NOT_STARTED',
      );

      // Sell the one unit, then a newcomer is told it is sold out.
      const body = { email, flashSaleId: sale.id };
      expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 200, S.ZBuyResponse);
      await heldSoon(email, sale.id);
      expectOk(await api.call('POST', '/api/v1/orders/confirm', { as: email, body }), 200, S.ZConfirmResponse);
      expectError(await api.call('POST', '/api/v1/orders/buy', { as: uniqueEmail(), body: { flashSaleId: sale.id } }), 409, 'SOLD_OUT');
      const pub = expectOk(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`), 200, S.ZPublicSaleResponse);
      // The public status is cached for 250 ms; it must say sold out soon after.
      if (!pub.meta.soldOut) {
        await new Promise((r) => setTimeout(r, 300));
        const fresh = expectOk(await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`), 200, S.ZPublicSaleResponse);
        assert.equal(fresh.meta.soldOut, true);
      }
    });

    it('a confirm refused by the MongoDB conditional decrement is 409 SOLD_OUT (never a 5xx), and makes no order', async () => {
      const sale = await openSale(engine, 2);
      const email = uniqueEmail();
      const body = { email, flashSaleId: sale.id };
      expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 200, S.ZBuyResponse);
      await heldSoon(email, sale.id);
      // Redis granted a hold, but MongoDB (the source of truth) has nothing left.
      await FlashSale.updateOne({ _id: sale.id }, { $set: { currentQuantity: 0 } });
      const origError = console.error;
      console.error = () => {};
      try {
        expectError(await api.call('POST', '/api/v1/orders/confirm', { as: email, body }), 409, 'SOLD_OUT');
      } finally {
        console.error = origError;
      }
      assert.equal(await Order.countDocuments({ flashSaleId: sale.id }), 0);
    });

    it('cancel gives the held unit back; cancelling with nothing to cancel is 404', async () => {
      const sale = await openSale(engine, 1);
      const email = uniqueEmail();
      const body = { email, flashSaleId: sale.id };
      expectOk(await api.call('POST', '/api/v1/orders/buy', { as: email, body }), 200, S.ZBuyResponse);
      await heldSoon(email, sale.id);
      const c = expectOk(await api.call('POST', '/api/v1/orders/cancel', { as: email, body }), 200, S.ZCancelResponse);
      // The answer is the buyer's state after the cancel, and the unit is back at once.
      assert.equal(c.cancelled, true);
      assert.equal(c.status, 'none');
      assert.equal(c.detail, 'cancelled');
      assert.equal(c.hasActiveHold, false);
      assert.equal(c.available, 1);
      const p = (await positionOf(email, sale.id)).json;
      assert.equal(p.detail, 'cancelled');
      const pub = await waitFor(
        async () => {
          const r = (await api.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${sale.id}`)).json;
          return r.meta.available === 1 ? r : null;
        },
        5_000,
        'unit back in stock (the public status is cached for 250 ms)',
      );
      assert.equal(pub.meta.soldOut, false);
      expectError(
        await api.call('POST', '/api/v1/orders/cancel', { as: uniqueEmail(), body: { flashSaleId: sale.id } }),
        404,
        'NOT_IN_QUEUE',
      );
    });
  });

  describe('bot defence', () => {
    it('GET /challenge: a signed proof-of-work challenge; buy documents the X-Altcha header (the refusals: tests/bot.pow.test.ts)', async () => {
      const c = expectOk(await api.call('GET', '/api/v1/challenge'), 200, S.ZChallengeResponse);
      assert.ok(c.parameters.expiresAt * 1000 > Date.now(), 'not expired');
      expectError(await api.call('GET', '/api/v1/challenge?x=1'), 400, 'INVALID_INPUT');
      const doc = (await api.call('GET', '/api/v1/openapi.json')).json;
      const header = doc.paths['/api/v1/orders/buy'].post.parameters.find((p: { name: string }) => p.name === 'X-Altcha');
      assert.equal(header?.in, 'header', 'buy documents X-Altcha');
      assert.ok(doc.paths['/api/v1/orders/buy'].post.responses['403'], 'and its 403');
    });
  });

  describe('health', () => {
    it('200 with each service up, no connection details', async () => {
      const h = expectOk(await api.call('GET', '/api/v1/health'), 200, S.ZHealthResponse);
      assert.equal(h.ok, true);
      assert.equal(h.services.redis.ok, true);
      assert.doesNotMatch(JSON.stringify(h), /redis:\/\/|mongodb:|:7233|:6379/);
      expectError(await api.call('GET', '/api/v1/health?verbose=1'), 400, 'INVALID_INPUT');
    });
  });

  it('every route has a contract test above', () => {
    // Keeps this file honest when a route is added: list the operation ids exercised here (rate
    // limits of every limited route: ratelimit.test.ts).
    const covered = new Set([
      'getPublicSale',
      'challenge',
      'buy',
      'position',
      'confirm',
      'cancel',
      'ordersByEmail',
      'signIn',
      'requestShopperCode',
      'verifyShopperCode',
      'listSales',
      'createSale',
      'updateSale',
      'deleteSale',
      'pauseSale',
      'resumeSale',
      'extendSale',
      'adminListOrders',
      'queueOverview',
      'health',
    ]);
    assert.deepEqual(
      routes.map((r) => r.operationId).filter((id) => !covered.has(id)),
      [],
    );
  });
});
