/** Bad input anywhere: a 4xx naming the field, never a 5xx, never a state change. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRPCError } from '@trpc/server';
import { FlashSale } from '@models/index';
import { saleKeys } from '@/engine/keys';
import { startEngine, openSale, admin, shopper, uniqueEmail, type Engine } from './support/engine';

async function rejectsWith(p: Promise<unknown>, code: TRPCError['code'], field: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TRPCError, `a TRPCError, got ${String(err)}`);
    assert.equal(err.code, code, `code for: ${err.message}`);
    assert.match(err.message, field);
    return true;
  });
}

describe('bad input', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await engine.stop();
  });

  const valid = () => ({
    name: 'Limited sneakers',
    description: 'one pair each',
    startingQuantity: 10,
    pricePerUnit: 99.5,
    startsAt: new Date(Date.now() + 60_000),
    endsAt: new Date(Date.now() + 3_600_000),
  });

  it('sales.create refuses each bad field with BAD_REQUEST naming it, and stores nothing', async () => {
    const api = engine.as(admin);
    const before = await FlashSale.countDocuments();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ startingQuantity: -5 }, /^startingQuantity must be at least 1$/],
      [{ startingQuantity: 2.5 }, /^startingQuantity must be a whole number$/],
      [{ startingQuantity: 'ten' }, /^startingQuantity must be a number$/],
      [{ pricePerUnit: -1 }, /^pricePerUnit must not be negative$/],
      [{ name: '' }, /^name is required$/],
      [{ name: 'x'.repeat(500) }, /^name must be at most 120 characters$/],
      [{ description: 'd'.repeat(5000) }, /^description must be at most 2000 characters$/],
      [{ startsAt: 'not a date' }, /^startsAt must be an ISO 8601 date-time/],
      [{ endsAt: new Date(Date.now() + 30_000) }, /^endsAt must be after startsAt$/],
      [{ name: 42 }, /^name must be a string$/],
      [{ extra: true }, /^extra is not a known field$/],
    ];
    for (const [patch, field] of cases) {
      await rejectsWith(api.sales.create({ ...valid(), ...patch }), 'BAD_REQUEST', field);
    }
    assert.equal(await FlashSale.countDocuments(), before, 'no sale was written');
  });

  it('sale ids: malformed is BAD_REQUEST, unknown is NOT_FOUND; nothing is queued', async () => {
    const buyer = engine.as(shopper(uniqueEmail()));
    await rejectsWith(buyer.orders.buy({ flashSaleId: 'nope' }), 'BAD_REQUEST', /^flashSaleId must be a 24-character hex id$/);
    await rejectsWith(buyer.orders.buy({ flashSaleId: 42 as never }), 'BAD_REQUEST', /flashSaleId/);
    const unknown = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    await rejectsWith(buyer.orders.buy({ flashSaleId: unknown }), 'NOT_FOUND', /no sale with id/);
    await rejectsWith(engine.as(null).sales.public({ flashSaleId: unknown }), 'NOT_FOUND', /no sale with id/);
    assert.equal(await engine.deps.redis.exists(saleKeys(unknown).queue, saleKeys(unknown).meta), 0);
  });

  it('emails, updates and deletes: readable refusals, no state change', async () => {
    const sale = await openSale(engine, 3);
    const api = engine.as(admin);
    await rejectsWith(api.orders.byEmail({ email: 'not-an-email' }), 'BAD_REQUEST', /^email must be a valid email address$/);
    await rejectsWith(api.orders.byEmail({ email: `${'a'.repeat(300)}@x.io` }), 'BAD_REQUEST', /^email must be at most 254 characters$/);
    await rejectsWith(api.sales.update({ id: sale.id, startingQuantity: 0 }), 'BAD_REQUEST', /startingQuantity/);
    // Business rules are conflicts, not crashes: the sale already started.
    await rejectsWith(api.sales.update({ id: sale.id, startingQuantity: 50 }), 'CONFLICT', /cannot change once the sale has started/);
    await rejectsWith(
      api.sales.update({ id: sale.id, endsAt: new Date(sale.startsAt.getTime() - 1000) }),
      'CONFLICT',
      /endsAt must be after startsAt/,
    );
    const doc = await FlashSale.findById(sale.id).lean();
    assert.equal(doc?.startingQuantity, 3);
    assert.equal(doc?.endsAt.getTime(), sale.endsAt.getTime());
    await rejectsWith(api.orders.adminList({ page: 0 }), 'BAD_REQUEST', /page/);
  });

  it('an update changes only the fields it sends; an update that sends none is refused', async () => {
    const api = engine.as(admin);
    const sale = await api.sales.create({ ...valid(), description: 'Kept as it was' });
    const renamed = await api.sales.update({ id: sale.id, name: 'Renamed' });
    assert.equal(renamed.name, 'Renamed');
    assert.equal(renamed.description, 'Kept as it was', 'a field not sent keeps its value');
    const before = await FlashSale.findById(sale.id).lean();
    await rejectsWith(api.sales.update({ id: sale.id }), 'BAD_REQUEST', /^Send at least one field to change$/);
    assert.deepEqual(await FlashSale.findById(sale.id).lean(), before, 'an empty update writes nothing');
  });

  it('roles: anonymous is UNAUTHORIZED, a shopper is FORBIDDEN from admin procedures', async () => {
    await rejectsWith(engine.as(null).sales.create(valid()), 'UNAUTHORIZED', /Sign in/);
    await rejectsWith(engine.as(null).orders.buy({ flashSaleId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }), 'UNAUTHORIZED', /Sign in/);
    const shop = engine.as(shopper(uniqueEmail()));
    await rejectsWith(shop.sales.create(valid()), 'FORBIDDEN', /Admins only/);
    await rejectsWith(shop.queue.overview({ flashSaleId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }), 'FORBIDDEN', /Admins only/);
    await rejectsWith(shop.orders.adminList({ page: 1, pageSize: 10 }), 'FORBIDDEN', /Admins only/);
    await rejectsWith(shop.orders.byEmail({ email: 'someone-else@example.com' }), 'FORBIDDEN', /Admins only/);
  });
});
