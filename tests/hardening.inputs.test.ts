/**
 * The loose inputs found in production-mode testing (issue 9), each now a 4xx with a readable
 * sentence naming the field, over HTTP through the app's request handler, on REST and on tRPC,
 * and nothing stored. (The forged admin token and /signup are in production.security.test.ts,
 * the spoofed X-Forwarded-For in http.security.test.ts.) Shopper routes get a verified shopper's
 * token: without one they answer 401 before reading any input (shopper.auth.test.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encode } from 'next-auth/jwt';
import { FlashSale, Order } from '@models/index';
import { issueToken } from '@/server/auth/session';
import { admin, openSale, shopper, startEngine, uniqueEmail, type Engine } from './support/engine';
import { serveApp, type Answer, type AppServer } from './http/app-server';

/** Wording that is the validation library's, not ours. */
const LIBRARY_TEXT =
  /Invalid input|Invalid option|expected .* received|Unrecognized key|Too (small|big)|Invalid ISO|Expected property|JSON at position/i;

function expectRefused(a: Answer, status: number, message: string | RegExp, field?: string) {
  const text = a.json?.error?.message ?? a.json?.error?.json?.message;
  assert.equal(a.status, status, `expected ${status}, got ${a.status}: ${a.text}`);
  assert.equal(typeof text, 'string', a.text);
  if (typeof message === 'string') assert.equal(text, message);
  else assert.match(text, message);
  assert.doesNotMatch(text, LIBRARY_TEXT);
  if (field && a.json?.error?.fields) assert.ok(a.json.error.fields[field]?.length, `fields names ${field}: ${a.text}`);
  if (field && a.json?.error?.json) assert.ok(a.json.error.json.data.fieldErrors?.[field]?.length, `fieldErrors names ${field}: ${a.text}`);
}

describe('issue 9: every loose input is refused with a readable message', () => {
  let engine: Engine;
  let app: AppServer;
  let adminToken: string;
  let shopperToken: string;
  let shopperEmail: string;
  let saleId: string;

  before(async () => {
    engine = await startEngine({}, { worker: false });
    app = await serveApp(engine.deps);
    adminToken = await issueToken(admin);
    shopperEmail = uniqueEmail();
    shopperToken = await issueToken(shopper(shopperEmail));
    saleId = (await openSale(engine, 3)).id;
  });
  after(async () => {
    await app.close();
    await engine.stop();
  });

  const hour = 3_600_000;
  const sale = (patch: Record<string, unknown> = {}) => ({
    name: 'Strict sale',
    startingQuantity: 5,
    pricePerUnit: 10,
    startsAt: new Date(Date.now() + hour).toISOString(),
    endsAt: new Date(Date.now() + 2 * hour).toISOString(),
    ...patch,
  });
  const createRest = (patch: Record<string, unknown>) => app.call('POST', '/api/v1/flash-sales', { token: adminToken, body: sale(patch) });
  const createTrpc = (patch: Record<string, unknown>) => app.trpc('mutation', 'sales.create', sale(patch), { token: adminToken });

  it('numbers must be JSON numbers: startingQuantity true, "3" and "2.5" are refused (REST and tRPC), nothing stored', async () => {
    const before = await FlashSale.countDocuments();
    for (const create of [createRest, createTrpc]) {
      expectRefused(await create({ startingQuantity: true }), 400, 'startingQuantity must be a number', 'startingQuantity');
      expectRefused(await create({ startingQuantity: '3' }), 400, 'startingQuantity must be a number', 'startingQuantity');
      expectRefused(await create({ startingQuantity: '2.5' }), 400, 'startingQuantity must be a number', 'startingQuantity');
      expectRefused(await create({ startingQuantity: 2.5 }), 400, 'startingQuantity must be a whole number', 'startingQuantity');
      expectRefused(await create({ pricePerUnit: '2.5' }), 400, 'pricePerUnit must be a number', 'pricePerUnit');
      expectRefused(await create({ pricePerUnit: false }), 400, 'pricePerUnit must be a number', 'pricePerUnit');
    }
    assert.equal(await FlashSale.countDocuments(), before);
    // The control: the same request with proper numbers is accepted.
    const ok = await createRest({});
    assert.equal(ok.status, 201, ok.text);
    assert.equal(ok.json.startingQuantity, 5);
  });

  it('a sale wholly in the past is refused; dates must be ISO 8601 date-times with a zone', async () => {
    const before = await FlashSale.countDocuments();
    const past = { startsAt: new Date(Date.now() - 2 * hour).toISOString(), endsAt: new Date(Date.now() - hour).toISOString() };
    expectRefused(await createRest(past), 400, 'endsAt must be in the future', 'endsAt');
    expectRefused(
      await createTrpc({ startsAt: new Date(Date.now() - 2 * hour), endsAt: new Date(Date.now() - hour) }),
      400,
      'endsAt must be in the future',
      'endsAt',
    );
    const iso = /^startsAt must be an ISO 8601 date-time with a time zone/;
    expectRefused(await createRest({ startsAt: Date.now() + hour }), 400, iso, 'startsAt');
    expectRefused(await createRest({ startsAt: '2031-01-01T10:00' }), 400, iso, 'startsAt');
    expectRefused(await createRest({ startsAt: 'tomorrow' }), 400, iso, 'startsAt');
    expectRefused(await createRest({ startsAt: true }), 400, iso, 'startsAt');
    assert.equal(await FlashSale.countDocuments(), before);
  });

  it('a repeated query parameter is a 400 naming it, not an empty answer', async () => {
    const a = encodeURIComponent(shopperEmail);
    const b = encodeURIComponent(uniqueEmail());
    const msg = 'email is given more than once in the query string; send it once';
    const token = shopperToken;
    expectRefused(await app.call('GET', `/api/v1/orders/by-email?email=${a}&email=${b}`, { token }), 400, msg, 'email');
    expectRefused(await app.call('GET', `/api/v1/orders/by-email?email=${a}&email=${a}`, { token }), 400, msg, 'email');
    expectRefused(
      await app.call('GET', `/api/v1/orders/position?email=${a}&flashSaleId=${saleId}&flashSaleId=${saleId}`, { token }),
      400,
      /^flashSaleId is given more than once/,
      'flashSaleId',
    );
    expectRefused(
      await app.call('GET', `/api/v1/orders/admin/list?status=paid&status=refunded`, { token: adminToken }),
      400,
      /^status is given more than once/,
      'status',
    );
    expectRefused(
      await app.call('DELETE', `/api/v1/flash-sales/${saleId}?id=${saleId}`, { token: adminToken }),
      400,
      /^id is given in the path/,
      'id',
    );
    expectRefused(
      await app.call('PUT', `/api/v1/flash-sales/${saleId}`, { token: adminToken, body: { id: saleId, name: 'x' } }),
      400,
      /^id is given in the path/,
      'id',
    );
    expectRefused(
      await app.call('GET', `/api/v1/orders/admin/list?pageSize=5&limit=5`, { token: adminToken }),
      400,
      'Send pageSize or limit, not both',
      'limit',
    );
    // tRPC reads one `input` parameter.
    const input = encodeURIComponent(JSON.stringify({ json: { flashSaleId: saleId } }));
    expectRefused(
      await app.call('GET', `/api/trpc/sales.public?input=${input}&input=${input}`),
      400,
      'input is given more than once in the query string; send it once',
    );
    assert.ok(await FlashSale.exists({ _id: saleId }), 'the DELETE did nothing');
  });

  it('totalAmount: -5 says it must not be negative (not "must be a number")', async () => {
    const body = { email: shopperEmail, flashSaleId: saleId, totalAmount: -5 };
    const token = shopperToken;
    expectRefused(
      await app.call('POST', '/api/v1/orders/confirm', { body, token }),
      400,
      'totalAmount must not be negative',
      'totalAmount',
    );
    expectRefused(
      await app.call('POST', '/api/v1/orders/confirm', { body: { ...body, totalAmount: '5' }, token }),
      400,
      'totalAmount must be a number',
      'totalAmount',
    );
    assert.equal(await Order.countDocuments({ flashSaleId: saleId }), 0);
  });

  it('an unknown status lists the allowed ones in a plain sentence', async () => {
    const msg = 'status must be one of: paid, refunded';
    expectRefused(await app.call('GET', '/api/v1/orders/admin/list?status=shipped', { token: adminToken }), 400, msg, 'status');
    expectRefused(await app.trpc('query', 'orders.adminList', { status: 'shipped' }, { token: adminToken }), 400, msg, 'status');
    expectRefused(
      await app.call('GET', '/api/v1/flash-sales?scope=soon', { token: adminToken }),
      400,
      'scope must be one of: all, live, upcoming, ended',
      'scope',
    );
  });

  it('query numbers are digits only; tRPC numbers are numbers', async () => {
    const digits = /^page must be a whole number written in digits$/;
    for (const page of ['2.5', '1e3', '-1', '0x10', '', ' 3', 'NaN']) {
      expectRefused(
        await app.call('GET', `/api/v1/orders/admin/list?page=${encodeURIComponent(page)}`, { token: adminToken }),
        400,
        digits,
        'page',
      );
    }
    expectRefused(await app.call('GET', '/api/v1/orders/admin/list?page=0', { token: adminToken }), 400, 'page must be at least 1', 'page');
    expectRefused(
      await app.call('GET', '/api/v1/orders/admin/list?limit=500', { token: adminToken }),
      400,
      'limit must be at most 200',
      'limit',
    );
    const ok = await app.call('GET', '/api/v1/orders/admin/list?page=2&limit=10', { token: adminToken });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual([ok.json.page, ok.json.pageSize], [2, 10]);
    expectRefused(await app.trpc('query', 'orders.adminList', { page: '2' }, { token: adminToken }), 400, 'page must be a number', 'page');
  });

  it('operator injection, unknown fields and booleans: plain refusals', async () => {
    const token = shopperToken;
    expectRefused(
      await app.call('POST', '/api/v1/orders/buy', { body: { email: { $ne: null }, flashSaleId: saleId }, token }),
      400,
      'email must be a string',
      'email',
    );
    expectRefused(
      await app.call('POST', '/api/v1/orders/buy', { body: { email: shopperEmail, flashSaleId: { $gt: '' } }, token }),
      400,
      'flashSaleId must be a string',
      'flashSaleId',
    );
    expectRefused(
      await app.call('GET', `/api/v1/orders/by-email?email[$ne]=x`, { token }),
      400,
      /email\[\$ne\] is not a known field/,
      'email[$ne]',
    );
    expectRefused(await app.trpc('query', 'health.check', { roundTrip: 'yes' }), 400, 'roundTrip must be true or false', 'roundTrip');
    expectRefused(
      await app.trpc('mutation', 'orders.buy', { flashSaleId: saleId, email: 'someone@else.com' }, { token: shopperToken }),
      400,
      'email is not a known field',
      'email',
    );
    expectRefused(await app.trpc('query', 'sales.listPublic', { everything: true }), 400, 'This procedure takes no input');
    // Field names that are also Object.prototype's (found by the fuzz test: they used to hang the answer).
    expectRefused(
      await app.call('GET', `/api/v1/flash-sales/public/sale?flashSaleId=${saleId}&__proto__=`),
      400,
      '__proto__ is not a known field',
      '__proto__',
    );
    const raw = `{"email":"${shopperEmail}","flashSaleId":"${saleId}","constructor":1,"__proto__":{"admin":true}}`;
    expectRefused(
      await app.call('POST', '/api/v1/orders/buy', { raw, token }),
      400,
      'constructor, __proto__ are not known fields',
      'constructor',
    );
    expectRefused(
      await app.call('POST', '/api/trpc/orders.buy', { raw: `{"json":{"flashSaleId":"${saleId}","constructor":1}}`, token: shopperToken }),
      400,
      'constructor is not a known field',
      'constructor',
    );
    assert.equal(await engine.deps.redis.zcard(`fsq:{${saleId}}`), 0, 'nobody joined the queue');
  });

  it('unreadable input and tokens signed with another secret: readable 400 / 401', async () => {
    expectRefused(
      await app.call('POST', '/api/v1/orders/buy', { raw: '{"email":', token: shopperToken }),
      400,
      'The request body is not valid JSON',
    );
    expectRefused(await app.call('GET', '/api/trpc/sales.public?input=%7Bxx'), 400, /^The input could not be read/);
    const meta = encodeURIComponent(JSON.stringify({ json: { a: 1 }, meta: { values: { a: ['class', 'X'] } } }));
    expectRefused(await app.call('GET', `/api/trpc/sales.public?input=${meta}`), 400, /^The input could not be read/);
    expectRefused(await app.call('GET', '/api/trpc/no.such'), 404, 'There is no procedure no.such');
    const foreign = await encode({
      token: { email: 'mallory@example.com', role: 'admin', sub: 'mallory@example.com' },
      secret: randomBytes(32).toString('base64'),
    });
    expectRefused(await app.call('GET', '/api/v1/orders/admin/list', { token: foreign }), 401, 'Sign in first');
    expectRefused(await app.trpc('query', 'orders.adminList', {}, { token: foreign }), 401, 'Sign in first');
    expectRefused(await app.call('GET', '/api/v1/orders/admin/list', { token: shopperToken }), 403, 'Admins only');
  });
});
