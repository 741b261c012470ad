/**
 * The Grafana dashboard (ops/grafana/dashboards/flash-sale.json) queries only metrics that exist:
 * a small sale through the real engine (a purchase, a cancel, a refused decrement, a rate-limited
 * buy) must leave a sample of every flashsale_* metric the dashboard names at the
 * app's /api/metrics or the worker's endpoint. Every query must also parse as PromQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FlashSale } from '@models/index';
import { rateLimitSettings } from '@/server/ratelimit';
import { runCapture } from '../scripts/lib/proc';
import { which } from '../scripts/lib/paths';
import { openSale, startEngine, uniqueEmail, waitFor, type Engine } from './support/engine';
import { serveApp, type AppServer } from './http/app-server';
import { serveWorkerMetrics, type WorkerMetricsServer } from './http/worker-metrics';

const DASHBOARD = fileURLToPath(new URL('../ops/grafana/dashboards/flash-sale.json', import.meta.url));

/** Every PromQL expression of the dashboard: panel targets (rows included) and template variable queries. */
function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets?: { expr?: string }[]; panels?: { targets?: { expr?: string }[] }[] }[];
    templating?: { list: { type: string; query?: string | { query?: string } }[] };
  };
  const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
  const vars = (dashboard.templating?.list ?? [])
    .filter((v) => v.type === 'query')
    .map((v) => (typeof v.query === 'string' ? v.query : (v.query?.query ?? '')));
  return [...exprs, ...vars].filter(Boolean);
}

/** flashsale_* metric names a query uses; histogram series (_bucket, _sum, _count) count as their histogram. */
function flashsaleMetrics(queries: string[]): Set<string> {
  const names = new Set<string>();
  for (const q of queries) for (const [m] of q.matchAll(/\bflashsale_[a-z0-9_]+/g)) names.add(m.replace(/_(bucket|sum|count)$/, ''));
  return names;
}

/** Metric families of a Prometheus text exposition that have at least one sample, with their type. */
function exportedFamilies(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(name!, type!);
  const withSamples = new Map<string, string>();
  for (const line of text.split('\n')) {
    const name = /^([a-zA-Z_:][\w:]*)[{ ]/.exec(line)?.[1];
    if (!name) continue;
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    const type = types.get(family);
    if (type) withSamples.set(family, type);
  }
  return withSamples;
}

describe('Grafana dashboard', () => {
  const queries = dashboardQueries();

  it('queries the metrics the panels promise', () => {
    const names = flashsaleMetrics(queries);
    // Read from the file, so the panels of the issue are all there.
    for (const m of [
      'flashsale_http_request_duration_seconds',
      'flashsale_queue_size',
      'flashsale_holds_live',
      'flashsale_stock_available',
      'flashsale_units_sold',
      'flashsale_grants_total',
      'flashsale_confirms_total',
      'flashsale_releases_total',
      'flashsale_fairness_overtakes',
      'flashsale_workflow_start_seconds',
      'flashsale_rate_limited_total',
    ]) {
      assert.ok(names.has(m), `the dashboard has a panel on ${m}`);
    }
    assert.ok(
      queries.some((q) => /\baction\{/.test(q)),
      "the dashboard has a panel on Temporal actions (the server's `action` counter)",
    );
  });

  it('every query parses as PromQL (promtool check rules)', async () => {
    // npm test provisions promtool (scripts/lib/tools.ts) before this phase.
    const promtool = which('promtool');
    assert.ok(promtool, 'promtool is on PATH (Debian package prometheus)');
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    try {
      // Grafana's variables, as Grafana would substitute them.
      const concrete = (q: string) => q.replaceAll('$__rate_interval', '1m').replaceAll('$sale', '.*').replaceAll('$namespace', 'default');
      const promql = queries.filter((q) => !q.startsWith('label_values(')).map(concrete);
      const rules = {
        groups: [{ name: 'dashboard', rules: promql.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }],
      };
      const file = join(dir, 'rules.yml');
      writeFileSync(file, JSON.stringify(rules)); // JSON is YAML
      const r = await runCapture(promtool, ['check', 'rules', file], { timeoutMs: 30_000 });
      assert.equal(r.code, 0, `promtool check rules:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, new RegExp(`SUCCESS: ${promql.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('against the engine', () => {
    let engine: Engine;
    let app: AppServer;
    let worker: WorkerMetricsServer;

    const call = async (method: string, path: string, body?: { email?: string; flashSaleId?: string }) => {
      // The shopper the request names is signed in (a token made as the verify endpoint makes it).
      const who = body?.email ?? new URLSearchParams(path.split('?')[1] ?? '').get('email');
      const res = await app.call(method, path, { body, as: who ?? undefined });
      return { status: res.status, json: res.json as Record<string, unknown> };
    };
    const position = (email: string, saleId: string) =>
      call('GET', `/api/v1/orders/position?email=${encodeURIComponent(email)}&flashSaleId=${saleId}`);

    before(async () => {
      // Holds outlast a confirm on a busy machine (the expiry counter is exported at 0 from the start).
      engine = await startEngine({ holdTtlSec: 60 });
      // Rate limiting on, with room for one buy per email per minute: the second is refused.
      const base = rateLimitSettings();
      const limits = () => ({
        ...base,
        enabled: true,
        limits: {
          ...base.limits,
          buy: { perIp: 1_000_000, perEmail: 1, windowSec: 60 },
          confirm: { perIp: 1_000_000, perEmail: 1_000, windowSec: 60 },
          cancel: { perIp: 1_000_000, perEmail: 1_000, windowSec: 60 },
        },
      });
      // The same routing as src/server.ts: tRPC, REST, metrics, everything timed.
      app = await serveApp(engine.deps, { rateLimits: limits, timed: true });
      worker = await serveWorkerMetrics();
    });
    after(async () => {
      await app.close();
      await worker.close();
      await engine.stop();
    });

    it('after a small sale, the app or the worker exports every flashsale_* metric the dashboard queries', async () => {
      const sale = await openSale(engine, 3, { price: 5 });
      const payer = uniqueEmail('payer');
      const idler = uniqueEmail('idler');
      const refused = uniqueEmail('refused');
      const held = (email: string) =>
        waitFor(async () => (await position(email, sale.id)).json.status === 'ready', 20_000, `${email} to hold`);

      // A purchase.
      assert.equal((await call('POST', '/api/v1/orders/buy', { email: payer, flashSaleId: sale.id })).status, 200);
      assert.equal(
        (await call('POST', '/api/v1/orders/buy', { email: payer, flashSaleId: sale.id })).status,
        429,
        'the second buy of the minute is rate-limited',
      );
      await held(payer);
      const paid = await call('POST', '/api/v1/orders/confirm', { email: payer, flashSaleId: sale.id });
      assert.equal(paid.status, 200, JSON.stringify(paid.json));

      // A release: the idler cancels.
      assert.equal((await call('POST', '/api/v1/orders/buy', { email: idler, flashSaleId: sale.id })).status, 200);
      await held(idler);
      assert.equal((await call('POST', '/api/v1/orders/cancel', { email: idler, flashSaleId: sale.id })).status, 200);
      await waitFor(async () => (await position(idler, sale.id)).json.hasActiveHold === false, 20_000, 'the release');

      // A refused decrement: MongoDB has nothing left although Redis granted a hold.
      assert.equal((await call('POST', '/api/v1/orders/buy', { email: refused, flashSaleId: sale.id })).status, 200);
      await held(refused);
      await FlashSale.updateOne({ _id: sale.id }, { $set: { currentQuantity: 0 } });
      assert.notEqual((await call('POST', '/api/v1/orders/confirm', { email: refused, flashSaleId: sale.id })).status, 200);

      const scrape = async (url: string) => (await fetch(url)).text();
      const [appText, workerText] = await Promise.all([scrape(`${app.base}/api/metrics`), scrape(`${worker.base}/api/metrics`)]);
      const exported = new Map([...exportedFamilies(workerText), ...exportedFamilies(appText)]);
      const wanted = flashsaleMetrics(queries);
      assert.ok(wanted.size >= 15, `the dashboard names ${wanted.size} flashsale_* metrics`);
      const missing = [...wanted].filter((m) => !exported.has(m));
      assert.deepEqual(missing, [], `dashboard metrics with no sample at the app or the worker: ${missing.join(', ')}`);
      for (const q of queries) {
        for (const [, m] of q.matchAll(/\b(flashsale_[a-z0-9_]+)_bucket\b/g)) {
          assert.equal(exported.get(m!), 'histogram', `${m} is queried as a histogram`);
        }
      }
    });
  });
});
