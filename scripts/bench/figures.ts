// The figures of one run: client side from k6's summary, server side from the difference between
// two scrapes of the app's and worker's metrics, and the ground truth read from MongoDB, Redis
// and Temporal after the sale closed (paid orders, fairness, Temporal actions, per-buyer costs).
import mongoose from 'mongoose';
import { parseGrant } from '@/engine/fairness';
import { saleKeys } from '@/engine/keys';
import { api } from './api.js';
import type { ChartPoint } from './chart.js';
import type { K6Summary } from './k6.js';
import { delta, histogramQuantile, sum, type Sample } from './prom.js';
import { redisStatsDelta, SCRIPT_COMMANDS } from './redis-stats.js';
import type { BenchReport, CostFigures, EndpointFigures, Latency, ServerLatency } from './report.js';
import type { ScenarioRun } from './scenario.js';
import type { Stack } from './stack.js';
import { cpuSeconds, sliceSeries } from './system.js';
import { checkTargets } from './targets.js';
import { saleActions, type BuyerGroup } from './temporal-actions.js';

/** MongoDB writes of one paid confirm (src/engine/purchase.ts): decrement with marker, order insert, marker removal. */
export const ENGINE_WRITES_PER_CONFIRM = 3;

export const CONFIRM_ROUTE = 'POST /api/v1/orders/confirm';
export const BUY_ROUTE = 'POST /api/v1/orders/buy';
export const CODE_ROUTE = 'POST /api/v1/auth/shopper/code';
export const VERIFY_ROUTE = 'POST /api/v1/auth/shopper/verify';
export const CHALLENGE_ROUTE = 'GET /api/v1/challenge';

/** The scenario's endpoints (k6 `name` tags): always, and in verified runs (the app's, then Mailpit's). */
export const ENDPOINTS = ['sale_status', 'buy', 'position', 'confirm'];
export const VERIFIED_ENDPOINTS = ['shopper_code', 'shopper_verify', 'challenge'];
export const MAILBOX_ENDPOINTS = ['mailbox_search', 'mailbox_read', 'mailbox_delete'];

const latency = (m: Record<string, number> | undefined): Latency => ({
  count: m?.count ?? 0,
  avg: m?.avg ?? NaN,
  p50: m?.med ?? NaN,
  p95: m?.['p(95)'] ?? NaN,
  p99: m?.['p(99)'] ?? NaN,
  max: m?.max ?? NaN,
});

const stats = (xs: number[]) => ({ avg: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0, max: xs.length ? Math.max(...xs) : 0 });
const ms = (s: number) => s * 1000;

/** A route's latency from the app's histogram, in ms. */
/** Count and p50 / p95 / p99 (ms) of a histogram's series with these labels. */
function histogramLatency(samples: Sample[], histogram: string, labels: Record<string, string>): ServerLatency {
  const q = (p: number) => ms(histogramQuantile(samples, histogram, p, labels));
  return { count: sum(samples, `${histogram}_count`, labels), p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

const routeLatency = (appDelta: Sample[], route: string) =>
  histogramLatency(appDelta, 'flashsale_http_request_duration_seconds', { route });

type Overview = {
  fairness: { inversions: number; fastPassInversions: number; overtakes: number; overtaken: number; leftWithoutUnit: number };
  reconciliation: { balanced: boolean };
};

export type RunFigures = Pick<
  BenchReport,
  'results' | 'engine' | 'timeline' | 'temporalActions' | 'costs' | 'targets' | 'verifiedShoppers'
>;

/**
 * The app's share of a k6 metric: in verified runs every request is tagged target:app or
 * target:mailbox (k6 reading the codes from Mailpit), and the submetric of the app's is the one
 * to report; open runs have only the app's requests, and the metric itself.
 */
export const appMetric = (mt: K6Summary['metrics'], name: string): Record<string, number> | undefined =>
  mt[`${name}{target:app}`] ?? mt[name];

/** Verified shoppers' figures from k6's summary and the app's histogram. */
export function verifiedFigures(mt: K6Summary['metrics'], appDelta: Sample[]): NonNullable<BenchReport['verifiedShoppers']> {
  const counter = (name: string) => mt[name]?.count ?? 0;
  const mailboxCount = MAILBOX_ENDPOINTS.reduce((a, n) => a + (mt[`http_req_duration{name:${n}}`]?.count ?? 0), 0);
  const mailboxFailed = MAILBOX_ENDPOINTS.reduce((a, n) => a + (mt[`http_req_failed{name:${n}}`]?.passes ?? 0), 0);
  return {
    signIns: counter('fs_sign_ins'),
    signInFailures: counter('fs_sign_in_failed'),
    mailTimeouts: counter('fs_mail_timeouts'),
    codeRequestMs: { client: latency(mt.fs_t_code_request), server: routeLatency(appDelta, CODE_ROUTE) },
    mailArrivalMs: latency(mt.fs_t_mail_arrival),
    verifyMs: { client: latency(mt.fs_t_verify), server: routeLatency(appDelta, VERIFY_ROUTE) },
    signInMs: latency(mt.fs_t_sign_in),
    challengeMs: { client: latency(mt['http_req_duration{name:challenge}']), server: routeLatency(appDelta, CHALLENGE_ROUTE) },
    powSolveMs: latency(mt.fs_t_pow_solve),
    buysRefusedByBotDefence: counter('fs_buy_refused_pow'),
    mailbox: {
      requests: mailboxCount,
      failureRate: mailboxCount ? mailboxFailed / mailboxCount : 0,
      searchMs: latency(mt['http_req_duration{name:mailbox_search}']),
    },
  };
}

export async function gatherFigures(stack: Stack, run: ScenarioRun, cores: number): Promise<RunFigures> {
  const { saleId } = run;
  const k = saleKeys(saleId);
  const saleObjectId = new mongoose.Types.ObjectId(saleId);

  // Ground truth.
  const [doc, paidOrders, lastOrder, overview, grantsRaw, arrivals, paidSet] = await Promise.all([
    stack.mongo.collection('flashsales').findOne({ _id: saleObjectId }),
    stack.mongo.collection('orders').countDocuments({ flashSaleId: saleObjectId, paymentStatus: 'paid' }),
    stack.mongo.collection('orders').findOne({ flashSaleId: saleObjectId }, { sort: { createdAt: -1 } }),
    api<Overview>(stack.base, 'GET', `/orders/admin/queue/${saleId}/overview`, undefined, stack.token),
    stack.redis.lrange(k.grants, 0, -1),
    stack.redis.get(k.arrivals),
    stack.redis.smembers(k.paid),
  ]);
  const grants = grantsRaw.map(parseGrant);
  const paid = new Set(paidSet);
  const granted = new Set(grants.map((g) => g.email));
  const groupOf = (email: string): BuyerGroup => (paid.has(email) ? 'paid' : granted.has(email) ? 'held, not paid' : 'never got a unit');
  const temporalActions = await saleActions(stack.temporal, saleId, groupOf);

  // Client side (k6).
  const mt: K6Summary['metrics'] = run.k6.summary?.metrics ?? {};
  const t0 = Number(/flash-sale: t0=(\d+)/.exec(run.k6.log)?.[1] ?? Date.now());
  const { bucketSec } = run;
  const timeline: ChartPoint[] = [];
  for (let b = 0; mt[`http_req_duration{tb:${b}}`] !== undefined; b++) {
    const d = mt[`http_req_duration{tb:${b}}`];
    timeline.push({ t: b * bucketSec, rps: (d?.count ?? 0) / bucketSec, p50: d?.med ?? 0, p95: d?.['p(95)'] ?? 0 });
  }
  while (timeline.length && timeline.at(-1)!.rps === 0) timeline.pop();
  const scenarioSec = Math.max(bucketSec, timeline.length * bucketSec);
  const scenarioRequests = timeline.reduce((a, p) => a + p.rps * bucketSec, 0);
  const endpoints: Record<string, EndpointFigures> = {};
  const verified = stack.shoppers.shopperAuth === 'verified';
  for (const name of verified ? [...ENDPOINTS, ...VERIFIED_ENDPOINTS] : ENDPOINTS) {
    const l = latency(mt[`http_req_duration{name:${name}}`]);
    endpoints[name] = { ...l, reqPerSec: l.count / scenarioSec, failureRate: mt[`http_req_failed{name:${name}}`]?.value ?? NaN };
  }
  const counter = (name: string) => mt[name]?.count ?? 0;

  // Server side (metrics deltas).
  const appDelta = delta(run.metrics.appBefore, run.metrics.appAfter);
  const workerDelta = delta(run.metrics.workerBefore, run.metrics.workerAfter);
  const both = [...appDelta, ...workerDelta];
  const ops = [...new Set(both.filter((s) => s.name === 'flashsale_workflow_start_seconds_count' && s.value > 0).map((s) => s.labels.op!))];
  const workflowStartMs = ops.map((op) => ({ op, ...histogramLatency(both, 'flashsale_workflow_start_seconds', { op }) }));
  const confirmStepMs = (['claim', 'decrement', 'order', 'consume'] as const)
    .map((step) => ({ step, ...histogramLatency(appDelta, 'flashsale_confirm_step_seconds', { step }) }))
    .filter((st) => st.count > 0);
  const activities = [
    ...new Set(workerDelta.filter((s) => s.name === 'flashsale_worker_activity_duration_seconds_count').map((s) => s.labels.activity!)),
  ];
  const activityMs = activities
    .map((activity) => ({
      activity,
      count: sum(workerDelta, 'flashsale_worker_activity_duration_seconds_count', { activity }),
      p50: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_duration_seconds', 0.5, { activity })),
      p95: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_duration_seconds', 0.95, { activity })),
      waitP50: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_schedule_to_start_seconds', 0.5, { activity })),
      waitP95: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_schedule_to_start_seconds', 0.95, { activity })),
      errors: sum(workerDelta, 'flashsale_worker_activity_duration_seconds_count', { activity, outcome: 'error' }),
    }))
    .filter((a) => a.count > 0);
  const routes = [
    ...new Set(
      appDelta.filter((s) => s.name === 'flashsale_http_request_duration_seconds_count' && s.value > 0).map((s) => s.labels.route!),
    ),
  ];
  const serverLatencyMs = routes.map((route) => ({ route, ...routeLatency(appDelta, route) })).sort((a, b) => b.count - a.count);
  const appRequests = sum(appDelta, 'flashsale_http_request_duration_seconds_count');
  const lag = run.metrics.appAfter.find((s) => s.name === 'nodejs_eventloop_lag_p99_seconds');

  // CPU: percentages over the load; seconds over the load and the settling after it.
  const load = sliceSeries(run.cpu, 0, run.loadSamples);
  const loadSec = cpuSeconds(load);
  const totalSec = cpuSeconds(run.cpu);
  const appGroup = Object.keys(load.groups).find((g) => g.startsWith('app'));

  // Per-buyer costs.
  const buyers = Number(arrivals ?? 0);
  const per = (v: number, n: number) => (n ? v / n : NaN);
  const redisDelta = redisStatsDelta(run.redis.before, run.redis.after);
  const redisCalls = Object.values(redisDelta.commands).reduce((a, c) => a + c.calls, 0);
  const scriptCalls = Object.entries(redisDelta.commands)
    .filter(([name]) => SCRIPT_COMMANDS.has(name))
    .reduce((a, [, c]) => a + c.calls, 0);
  const mongoOps = Object.fromEntries(
    Object.entries(run.mongoOps.after)
      .map(([name, v]) => [name, v - (run.mongoOps.before[name] ?? 0)] as const)
      .filter(([, v]) => v > 0),
  );
  const mongoTotal = Object.values(mongoOps).reduce((a, v) => a + v, 0);
  const costs: CostFigures = {
    buyers,
    paid: paidOrders,
    requests: appRequests,
    redis: {
      calls: redisCalls,
      callsPerBuyer: per(redisCalls, buyers),
      callsPerRequest: per(redisCalls, appRequests),
      scriptCallsPerBuyer: per(scriptCalls, buyers),
      cpuSec: redisDelta.cpuSec,
      cpuMsPerBuyer: per(ms(redisDelta.cpuSec), buyers),
      commands: Object.entries(redisDelta.commands)
        .map(([name, c]) => ({ name, calls: c.calls, perBuyer: per(c.calls, buyers), usecPerCall: per(c.usec, c.calls) }))
        .sort((a, b) => b.calls - a.calls),
    },
    mongo: {
      source: stack.mongoOps.source,
      ops: mongoOps,
      total: mongoTotal,
      perBuyer: per(mongoTotal, buyers),
      perPaid: per(mongoTotal, paidOrders),
      engineWritesPerConfirm: ENGINE_WRITES_PER_CONFIRM,
    },
    // The system's processes only: the load generator is not part of what a buyer costs.
    cpuSec: Object.fromEntries(
      Object.entries(totalSec)
        .filter(([g]) => !g.startsWith('k6'))
        .map(([g, s]) => [g, { total: s, perBuyerMs: per(ms(s), buyers) }]),
    ),
    appCpuSecPer1000Requests: appGroup ? per(loadSec[appGroup]!, appRequests / 1000) : NaN,
    saleDoc: run.saleDoc,
  };

  // Sale figures.
  const grantTimes = grants.map((g) => g.atMs).sort((a, b) => a - b);
  const perSecond = new Map<number, number>();
  for (const t of grantTimes) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
  const grantWindowSec = grantTimes.length > 1 ? (grantTimes.at(-1)! - grantTimes[0]!) / 1000 : 0;
  const starting = Number(doc?.startingQuantity ?? NaN);
  const current = Number(doc?.currentQuantity ?? NaN);
  const sold = starting - current;
  const stock = starting;
  const lastAt = lastOrder?.createdAt instanceof Date ? lastOrder.createdAt.getTime() : undefined;
  const results: BenchReport['results'] = {
    thresholdsPassed: run.k6.code === 0,
    requests: appMetric(mt, 'http_reqs')?.count ?? 0,
    reqPerSec: appMetric(mt, 'http_reqs')?.rate ?? NaN,
    reqPerSecDuringScenario: scenarioRequests / scenarioSec,
    peakReqPerSec: Math.max(0, ...timeline.map((p) => p.rps)),
    failureRate: appMetric(mt, 'http_req_failed')?.value ?? NaN,
    // A Rate's `passes` are its true samples: for http_req_failed, the failed requests.
    failedRequests: appMetric(mt, 'http_req_failed')?.passes ?? NaN,
    latencyMs: latency(appMetric(mt, 'http_req_duration')),
    endpoints,
    confirmMs: { client: latency(mt['http_req_duration{name:confirm}']), server: routeLatency(appDelta, CONFIRM_ROUTE) },
    buyMs: { client: latency(mt['http_req_duration{name:buy}']), server: routeLatency(appDelta, BUY_ROUTE) },
    buyToPaidMs: latency(mt.fs_t_journey),
    buyToHoldMs: latency(mt.fs_t_buy_to_hold),
    holdToConfirmMs: latency(mt.fs_t_hold_to_confirm),
    buyAttempts: counter('fs_buy_attempts'),
    holds: counter('fs_holds'),
    confirms: counter('fs_confirm_success'),
    confirmFailures: counter('fs_confirm_failed'),
    giveUps: counter('fs_give_ups'),
    rateLimited: counter('fs_rate_limited'),
    holdsPerSec: {
      average: grantWindowSec > 0 ? grantTimes.length / grantWindowSec : grantTimes.length,
      peak: Math.max(0, ...perSecond.values()),
      grantWindowSec,
    },
    stock,
    paidOrders,
    unitsSoldMongo: sold,
    oversell: Math.max(0, paidOrders - stock, sold - stock),
    paidEqualsStock: paidOrders === stock,
    fifoInversions: overview.fairness.inversions,
    fastPassInversions: overview.fairness.fastPassInversions,
    overtakes: overview.fairness.overtakes,
    overtaken: overview.fairness.overtaken,
    leftWithoutUnit: overview.fairness.leftWithoutUnit,
    reconciliationBalanced: overview.reconciliation.balanced,
    soldOutAfterSec: current === 0 && lastAt !== undefined ? (lastAt - t0) / 1000 : null,
    saleEnd: run.end,
  };

  return {
    results,
    targets: checkTargets(results),
    temporalActions,
    costs,
    engine: {
      workflowStartMs,
      confirmStepMs,
      activityMs,
      serverLatencyMs,
      cpuPercentOfOneCore: {
        ...Object.fromEntries(Object.entries(load.groups).map(([g, v]) => [g, stats(v)])),
        'everything else on the machine': stats(
          load.machine.map((m, i) => Math.max(0, m * cores - Object.values(load.groups).reduce((a, g) => a + (g[i] ?? 0), 0))),
        ),
      },
      machineCpuPercent: stats(load.machine),
      eventLoopLagP99Ms: lag ? lag.value * 1000 : null,
    },
    timeline,
    ...(verified ? { verifiedShoppers: verifiedFigures(mt, appDelta) } : {}),
  };
}
