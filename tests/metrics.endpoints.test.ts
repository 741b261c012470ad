/**
 * Prometheus metrics of app and worker, against the real engine: a purchase, an expired hold and
 * a refused decrement driven through the REST API show up at the app's /api/metrics and at the
 * worker's metrics endpoint.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FlashSale } from '@models/index';
import { trpcRouteLabel } from '@/server/metrics/http';
import { openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { serveApp, type AppServer } from './http/app-server';
import { serveWorkerMetrics, type WorkerMetricsServer } from './http/worker-metrics';

/** Sum of the samples of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[3] ?? '';
    if (Object.entries(labels).every(([k, v]) => have.includes(`${k}="${v}"`))) {
      total += Number(m[4]);
      seen = true;
    }
  }
  return seen ? total : NaN;
}

describe('metrics', () => {
  let engine: Engine;
  let app: AppServer;
  let worker: WorkerMetricsServer;

  const call = async (method: string, path: string, body?: { email?: string; flashSaleId?: string }) => {
    // The shopper the request names is signed in (a token made as the verify endpoint makes it).
    const who = body?.email ?? new URLSearchParams(path.split('?')[1] ?? '').get('email');
    const res = await app.call(method, path, { body, as: who ?? undefined });
    return { status: res.status, json: res.json as Record<string, unknown> };
  };
  const heldSoon = (email: string, saleId: string) =>
    waitFor(
      async () =>
        (await call('GET', `/api/v1/orders/position?email=${encodeURIComponent(email)}&flashSaleId=${saleId}`)).json.status === 'ready',
      20_000,
      'hold',
    );

  before(async () => {
    engine = await startEngine({ holdTtlSec: 3, holdGraceSec: 1 });
    // The same routing as src/server.ts: tRPC, REST, metrics, everything timed.
    app = await serveApp(engine.deps, { timed: true });
    worker = await serveWorkerMetrics();
  });
  after(async () => {
    await app.close();
    await worker.close();
    await engine.stop();
  });

  it('app and worker count a purchase, an expiry and a refused decrement; live gauges show the sale', async () => {
    const sale = await openSale(engine, 3, { price: 5 });
    const payer = uniqueEmail('payer');
    const idler = uniqueEmail('idler');
    const refused = uniqueEmail('refused');

    assert.equal((await call('POST', '/api/v1/orders/buy', { email: payer, flashSaleId: sale.id })).status, 200);
    assert.equal((await call('POST', '/api/v1/orders/buy', { email: idler, flashSaleId: sale.id })).status, 200);
    await heldSoon(payer, sale.id);
    assert.equal((await call('POST', '/api/v1/orders/confirm', { email: payer, flashSaleId: sale.id })).status, 200);

    // The idler's 3-second hold runs out and its unit goes back.
    await heldSoon(idler, sale.id);
    await waitFor(
      async () =>
        (await call('GET', `/api/v1/orders/position?email=${encodeURIComponent(idler)}&flashSaleId=${sale.id}`)).json.detail === 'expired',
      20_000,
      'expiry',
    );

    // MongoDB says nothing is left while Redis still granted a hold: the conditional decrement refuses.
    assert.equal((await call('POST', '/api/v1/orders/buy', { email: refused, flashSaleId: sale.id })).status, 200);
    await heldSoon(refused, sale.id);
    await FlashSale.updateOne({ _id: sale.id }, { $set: { currentQuantity: 0 } });
    const no = await call('POST', '/api/v1/orders/confirm', { email: refused, flashSaleId: sale.id });
    assert.notEqual(no.status, 200, 'the refused confirm makes no order (its status is checked in rest.contract)');

    const res = await fetch(`${app.base}/api/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    const buyRoute = { method: 'POST', route: 'POST /api/v1/orders/buy', status: '200' };
    assert.ok(sample(text, 'flashsale_http_request_duration_seconds_count', buyRoute) >= 3, 'buy latency histogram by route and status');
    assert.ok(sample(text, 'flashsale_http_request_duration_seconds_bucket', { ...buyRoute, le: '+Inf' }) >= 3);
    assert.ok(sample(text, 'flashsale_http_request_duration_seconds_count', { route: 'POST /api/v1/orders/confirm', status: '200' }) >= 1);
    assert.ok(sample(text, 'flashsale_buys_total', { result: 'held' }) >= 3, 'each buyer was granted at the buy');
    assert.ok(sample(text, 'flashsale_grants_total', { via: 'buy' }) >= 3);
    assert.ok(sample(text, 'flashsale_confirms_total', { result: 'paid' }) >= 1);
    assert.ok(sample(text, 'flashsale_confirms_total', { result: 'SOLD_OUT' }) >= 1, 'the refused confirm, by its code');
    assert.ok(sample(text, 'flashsale_oversell_guard_rejections_total', { reason: 'no_stock' }) >= 1, 'oversell guard');
    assert.ok(sample(text, 'flashsale_releases_total', { outcome: 'expired' }) >= 1, 'the expiry');
    assert.ok(sample(text, 'flashsale_workflow_start_seconds_count') >= 3, 'workflow start / signal latency');
    assert.ok(sample(text, 'flashsale_workflow_messages_pending') >= 0);
    assert.equal(sample(text, 'flashsale_fairness_overtakes', { sale_id: sale.id }), 0);
    assert.equal(sample(text, 'flashsale_fairness_inversions', { sale_id: sale.id }), 0);
    assert.equal(sample(text, 'flashsale_units_sold', { sale_id: sale.id }), 3, 'units sold (Mongo) of the live sale');
    assert.ok(sample(text, 'flashsale_queue_size', { sale_id: sale.id }) >= 0);
    assert.ok(sample(text, 'flashsale_holds_live', { sale_id: sale.id }) >= 0);
    assert.ok(sample(text, 'flashsale_stock_available', { sale_id: sale.id }) >= 0);
    assert.ok(sample(text, 'process_cpu_seconds_total') > 0, 'default process metrics');
    assert.doesNotMatch(text, /mongodb:\/\/|redis:\/\//);

    // The worker's registry: the engine's shared counters (the expiry was released by the worker's
    // hold workflow) and its activity timings.
    const w = await (await fetch(`${worker.base}/api/metrics`)).text();
    assert.ok(sample(w, 'flashsale_releases_total', { outcome: 'expired' }) >= 1, 'releases');
    assert.ok(
      sample(w, 'flashsale_worker_activity_duration_seconds_count', { activity: 'holdStep', outcome: 'ok' }) >= 3,
      'activity latency',
    );
    assert.match(w, /^# TYPE flashsale_worker_confirms_total counter$/m);
    assert.equal((await fetch(`${worker.base}/nope`)).status, 404);
    assert.equal((await fetch(`${worker.base}/api/metrics`, { method: 'POST' })).status, 405);
  });

  it('tRPC route labels only name known procedures', () => {
    const label = trpcRouteLabel(['orders.buy', 'orders.position']);
    assert.equal(label('/api/trpc/orders.buy?batch=1'), 'trpc orders.buy');
    assert.equal(label('/api/trpc/orders.buy,orders.position?batch=1'), 'trpc (batch)');
    assert.equal(label('/api/trpc/made.up.name'), 'trpc (unknown)');
  });
});
