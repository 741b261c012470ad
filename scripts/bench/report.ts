// The bench report: figures gathered from k6, MongoDB, Redis, the metrics endpoints and /proc,
// written as report.json and report.md (beside chart.png / chart.svg).
import type { ChartPoint } from './chart.js';
import type { MachineInfo } from './system.js';

/** The original system's published k6 run (seed documentation, section 10.2). */
export const SEED = {
  vus: 2000,
  reqPerSec: 1413.24,
  p95Ms: 440.95,
  p99Ms: 489.79,
  medMs: 178.47,
  failureRate: 0,
  buyToHoldAvgMs: 5126,
  buyToHoldMedMs: 5008,
  buyToHoldP95Ms: 5010,
  requests: 381_924,
};

export interface Latency {
  count: number;
  avg: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface EndpointFigures extends Latency {
  reqPerSec: number;
  failureRate: number;
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo & { loadAverageAtStart1m: number; k6: string; redis: string; temporal: string; mongo: string; loadOnSameMachine: true };
  settings: {
    vus: number;
    durationSec: number;
    stages: string;
    stock: number;
    pollBaseMs: number;
    pollMaxMs: number;
    giveUpPauseSec: number;
    holdTtlSec: number;
    workerConcurrency: number;
    rateLimit: { enabled: boolean; windowSec: number; buyPerIp: number; buyPerEmail: number; confirmPerIp: number; confirmPerEmail: number };
    appMode: string;
    services: string;
  };
  results: {
    thresholdsPassed: boolean;
    requests: number;
    /** k6's own figure: requests / whole test time (setup and teardown included), as the seed reported. */
    reqPerSec: number;
    /** Requests / the scenario's wall time (VU stages only). */
    reqPerSecDuringScenario: number;
    peakReqPerSec: number;
    failureRate: number;
    latencyMs: Latency;
    endpoints: Record<string, EndpointFigures>;
    buyToHoldMs: Latency;
    holdToConfirmMs: Latency;
    buyAttempts: number;
    holds: number;
    confirms: number;
    confirmFailures: number;
    giveUps: number;
    rateLimited: number;
    holdsPerSec: { average: number; peak: number; grantWindowSec: number };
    stock: number;
    paidOrders: number;
    unitsSoldMongo: number;
    oversell: number;
    paidEqualsStock: boolean;
    fifoInversions: number;
    fastPassInversions: number;
    reconciliationBalanced: boolean;
    soldOutAfterSec: number | null;
  };
  ceiling?: {
    vus: number;
    eachSec: number;
    targets: Record<string, { url: string; reqPerSec: number; p50: number; p95: number; failureRate: number; ratioToHello: number }>;
  };
  engine: {
    workflowStartMs: { op: string; count: number; p50: number; p95: number; p99: number }[];
    activityMs: { activity: string; count: number; p50: number; p95: number; waitP50: number; waitP95: number; errors: number }[];
    serverLatencyMs: { route: string; count: number; p50: number; p95: number; p99: number }[];
    cpuPercentOfOneCore: Record<string, { avg: number; max: number }>;
    machineCpuPercent: { avg: number; max: number };
    eventLoopLagP99Ms: number | null;
  };
  timeline: ChartPoint[];
  seed: typeof SEED;
  files: Record<string, string>;
}

const ms = (v: number) => (Number.isFinite(v) ? (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`) : 'n/a');
const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : 'n/a');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'yes' : '**no**');

export function markdown(r: BenchReport): string {
  const x = r.results;
  const s = r.settings;
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`# Flash-sale benchmark, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC`);
  lines.push('');
  lines.push(
    `${s.vus.toLocaleString('en-US')} virtual users (k6 ${m.k6.replace(/^k6 /, '')}) against ${s.stock.toLocaleString('en-US')} units, ` +
      `${s.durationSec} s scenario, on ${m.cores} vCPU (${m.cpuModel}), with k6 on the same machine. Command: \`${r.command}\`.`,
  );
  lines.push('');
  lines.push('## Against the original system');
  lines.push('');
  lines.push(`| figure | this run | original (seed, ${SEED.vus} VUs) | better? |`);
  lines.push('| --- | ---: | ---: | :---: |');
  lines.push(`| requests per second (k6 \`http_reqs\` rate) | ${int(x.reqPerSec)} | ${int(SEED.reqPerSec)} | ${verdict(x.reqPerSec > SEED.reqPerSec)} |`);
  lines.push(`| p95 latency | ${ms(x.latencyMs.p95)} | ${ms(SEED.p95Ms)} | ${verdict(x.latencyMs.p95 < SEED.p95Ms)} |`);
  lines.push(`| p99 latency | ${ms(x.latencyMs.p99)} | ${ms(SEED.p99Ms)} | ${verdict(x.latencyMs.p99 < SEED.p99Ms)} |`);
  lines.push(`| failed requests | ${pct(x.failureRate)} | ${pct(SEED.failureRate)} | ${verdict(x.failureRate < 0.01)} (< 1%) |`);
  lines.push(`| buy-to-hold median | ${ms(x.buyToHoldMs.p50)} | ${ms(SEED.buyToHoldMedMs)} | ${verdict(x.buyToHoldMs.p50 < 1000)} (< 1 s) |`);
  lines.push(`| buy-to-hold p95 | ${ms(x.buyToHoldMs.p95)} | ${ms(SEED.buyToHoldP95Ms)} | ${verdict(x.buyToHoldMs.p95 < SEED.buyToHoldP95Ms)} |`);
  lines.push(`| oversold units | ${x.oversell} | 0 | ${verdict(x.oversell === 0)} |`);
  lines.push(`| paid orders == stock | ${x.paidOrders} / ${x.stock} | - | ${verdict(x.paidEqualsStock)} |`);
  lines.push('');
  lines.push(`k6 thresholds (failures < 1%, p95 < 2 s, p99 < 5 s, paid <= stock): **${x.thresholdsPassed ? 'passed' : 'FAILED'}**.`);
  lines.push('');
  lines.push('![requests per second and latency over time](chart.png)');
  lines.push('');
  lines.push('## Flash sale');
  lines.push('');
  lines.push('| figure | value |');
  lines.push('| --- | ---: |');
  lines.push(`| HTTP requests | ${int(x.requests)} |`);
  lines.push(`| requests per second during the scenario / peak ${'(per time bucket)'} | ${int(x.reqPerSecDuringScenario)} / ${int(x.peakReqPerSec)} |`);
  lines.push(`| latency p50 / p95 / p99 / max | ${ms(x.latencyMs.p50)} / ${ms(x.latencyMs.p95)} / ${ms(x.latencyMs.p99)} / ${ms(x.latencyMs.max)} |`);
  lines.push(`| failure rate | ${pct(x.failureRate)} |`);
  lines.push(`| buy attempts / holds / paid (confirm 200) / confirm failures | ${int(x.buyAttempts)} / ${int(x.holds)} / ${int(x.confirms)} / ${int(x.confirmFailures)} |`);
  lines.push(`| buy-to-hold p50 / p95 / max (client side, includes poll spacing) | ${ms(x.buyToHoldMs.p50)} / ${ms(x.buyToHoldMs.p95)} / ${ms(x.buyToHoldMs.max)} |`);
  lines.push(`| hold-to-confirm p50 / p95 | ${ms(x.holdToConfirmMs.p50)} / ${ms(x.holdToConfirmMs.p95)} |`);
  lines.push(`| holds per second: average over the grant window / peak second | ${x.holdsPerSec.average.toFixed(1)} (${x.holdsPerSec.grantWindowSec.toFixed(1)} s) / ${x.holdsPerSec.peak} |`);
  lines.push(`| sold out after (scenario time) | ${x.soldOutAfterSec === null ? 'not sold out' : `${x.soldOutAfterSec.toFixed(1)} s`} |`);
  lines.push(`| give-ups (shoppers who found it sold out / ended) | ${int(x.giveUps)} |`);
  lines.push(`| rate-limited answers (429) | ${int(x.rateLimited)} |`);
  lines.push(`| paid orders in MongoDB / units sold (MongoDB) / stock | ${x.paidOrders} / ${x.unitsSoldMongo} / ${x.stock} |`);
  lines.push(`| oversold units | ${x.oversell} |`);
  lines.push(`| FIFO inversions (all grants / Fast Pass grants) | ${x.fifoInversions} / ${x.fastPassInversions} |`);
  lines.push(`| reconciliation (sold + stock + live holds == initial) | ${x.reconciliationBalanced ? 'balanced' : '**unbalanced**'} |`);
  lines.push('');
  lines.push('### Per endpoint (client side, k6)');
  lines.push('');
  lines.push('| endpoint | requests | req/s | p50 | p95 | p99 | failed |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, e] of Object.entries(x.endpoints)) {
    lines.push(`| ${name} | ${int(e.count)} | ${int(e.reqPerSec)} | ${ms(e.p50)} | ${ms(e.p95)} | ${ms(e.p99)} | ${pct(e.failureRate)} |`);
  }
  lines.push('');
  if (r.ceiling) {
    const c = r.ceiling;
    lines.push('## Hot reads beside a plain Node `http` hello-world (same machine, same run)');
    lines.push('');
    lines.push(`Closed loop, ${c.vus} VUs, ${c.eachSec} s per target, one target after the other; both servers are single Node processes.`);
    lines.push('');
    lines.push('| target | req/s | p50 | p95 | failed | ratio to hello-world |');
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, t] of Object.entries(c.targets)) {
      lines.push(`| ${name} | ${int(t.reqPerSec)} | ${ms(t.p50)} | ${ms(t.p95)} | ${pct(t.failureRate)} | ${(t.ratioToHello * 100).toFixed(0)}% |`);
    }
    lines.push('');
  }
  lines.push('## Where the time goes (server side, during the scenario)');
  lines.push('');
  lines.push('CPU per process group, percent of one core (the machine has ' + `${m.cores}` + ' cores; 100% = one core busy):');
  lines.push('');
  lines.push('| process | average | peak |');
  lines.push('| --- | ---: | ---: |');
  for (const [name, c] of Object.entries(r.engine.cpuPercentOfOneCore)) lines.push(`| ${name} | ${c.avg.toFixed(0)}% | ${c.max.toFixed(0)}% |`);
  lines.push(`| whole machine (all cores) | ${r.engine.machineCpuPercent.avg.toFixed(0)}% | ${r.engine.machineCpuPercent.max.toFixed(0)}% |`);
  lines.push('');
  if (r.engine.eventLoopLagP99Ms !== null) lines.push(`App event-loop lag p99 (prom-client, at the end): ${ms(r.engine.eventLoopLagP99Ms)}.`);
  lines.push('');
  lines.push('| workflow start (Temporal client) | count | p50 | p95 | p99 |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const w of r.engine.workflowStartMs) lines.push(`| ${w.op} | ${int(w.count)} | ${ms(w.p50)} | ${ms(w.p95)} | ${ms(w.p99)} |`);
  lines.push('');
  lines.push('| activity (worker) | count | run p50 | run p95 | wait to start p50 | wait to start p95 | errors |');
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const a of r.engine.activityMs) {
    lines.push(`| ${a.activity} | ${int(a.count)} | ${ms(a.p50)} | ${ms(a.p95)} | ${ms(a.waitP50)} | ${ms(a.waitP95)} | ${int(a.errors)} |`);
  }
  lines.push('');
  lines.push('| route (app, server side) | count | p50 | p95 | p99 |');
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  for (const h of r.engine.serverLatencyMs) lines.push(`| ${h.route} | ${int(h.count)} | ${ms(h.p50)} | ${ms(h.p95)} | ${ms(h.p99)} |`);
  lines.push('');
  lines.push('Histogram quantiles are interpolated within buckets (1, 2.5, 5, 10, 25, 50, 100, 250, 500 ms, 1, 2.5, 5, 10, 30, 60 s).');
  lines.push('');
  lines.push('## Machine and settings');
  lines.push('');
  lines.push(`- CPU: ${m.cpuModel}, ${m.cores} vCPU; memory ${m.memoryGb} GB; ${m.os}, kernel ${m.kernel}; Node ${m.node}`);
  lines.push(`- k6 ${m.k6}, Redis ${m.redis}, Temporal ${m.temporal}, MongoDB: ${m.mongo}`);
  lines.push(
    `- Load generator, app, worker, Temporal, Redis and MongoDB all share this machine; 1-minute load average ${m.loadAverageAtStart1m} at the start, ${m.loadAverage1m} at the end ` +
      '(other users\' work on the machine shows in the CPU table as "everything else").',
  );
  lines.push(`- App: ${s.appMode}`);
  lines.push(`- Services: ${s.services}`);
  lines.push(`- Scenario: ramping VUs ${s.stages}; each iteration is a new shopper (public sale -> buy -> position polls ${s.pollBaseMs} ms x1.5 up to ${s.pollMaxMs} ms -> confirm when ready; gives up when sold out or ended; pause after giving up ${s.giveUpPauseSec} s)`);
  lines.push(`- Hold: ${s.holdTtlSec} s; worker: ${s.workerConcurrency} activities at once (WORKER_CONCURRENCY)`);
  const rl = s.rateLimit;
  lines.push(
    `- Rate limits: ${rl.enabled ? 'on' : 'off'}; per ${rl.windowSec} s window: buy ${rl.buyPerIp.toLocaleString('en-US')} per address, ${rl.buyPerEmail} per email; ` +
      `confirm ${rl.confirmPerIp.toLocaleString('en-US')} per address, ${rl.confirmPerEmail} per email (every VU shares one address, so the per-address limit is raised; the per-email limit is the production default)`,
  );
  lines.push('- Bot defence (proof of work before a buy): off (BOT_CHALLENGE=off; the load script solves it only with SOLVE_POW=1)');
  lines.push('');
  lines.push('## Files');
  lines.push('');
  for (const [what, file] of Object.entries(r.files)) lines.push(`- ${what}: \`${file}\``);
  lines.push('');
  return lines.join('\n');
}
