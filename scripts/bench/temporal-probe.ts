// Engine probe: how fast do buys become holds, and holds become orders, with nothing else in the
// way (no HTTP, no k6)? Drives the services directly against a private Temporal dev server and a
// worker process, and prints throughput and latency of each phase plus the worker's activity waits.
//
//   npx tsx scripts/bench/temporal-probe.ts --holds=500 [--worker-concurrency=10] [--shared-services] [--cpu-prof=DIR]
//     [--sqlite=normal|memory]   (a dev server with SQLite synchronous=NORMAL, or in memory)
//
// By default it runs against a private, empty Temporal dev server and jongodb (like npm run bench).
//
// Phases: (1) N buys at once (each starts a hold workflow), (2) wait until all N hold a unit,
// (3) N confirms at once (each a workflow Update running the finalize activity).
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startServices, type RunningServices } from '../services.js';
import { bold, describeError, fail, say } from '../lib/log.js';
import { sleep, waitFor } from '../lib/net.js';
import { ensureSearchAttributes, ensureTemporalCli, temporalProblem, temporalServerArgs } from '../lib/temporal.js';
import { ensureDir, localBin, repoRoot } from '../lib/paths.js';
import { onShutdownSignal, spawnManaged, type ManagedProcess } from '../lib/proc.js';
import { histogramQuantile, scrape, sum } from './prom.js';
import { preparePrivateServices } from './private-services.js';
import { pidListeningOn, sampleCpu } from './system.js';

function arg(name: string, fallback?: string): string | undefined {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : process.argv.includes(`--${name}`) ? 'true' : fallback;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};
const fmt = (xs: number[]) => `p50 ${Math.round(pct(xs, 0.5))} ms, p95 ${Math.round(pct(xs, 0.95))} ms, max ${Math.round(pct(xs, 1))} ms`;

async function main() {
  const n = Number(arg('holds', '500'));
  const concurrency = arg('worker-concurrency');
  let services: RunningServices | undefined;
  let worker: ManagedProcess | undefined;
  let privateMongo: ManagedProcess | undefined;
  let ownTemporal: ManagedProcess | undefined;
  let ownTemporalFiles: string[] = [];
  const stop = async () => {
    await worker?.stop();
    await services?.stop();
    await privateMongo?.stop();
    await ownTemporal?.stop();
    for (const f of ownTemporalFiles) rmSync(f, { force: true });
  };
  onShutdownSignal(async () => {
    await stop();
    return 130;
  });
  try {
    let mongoKind: string | undefined;
    if (!arg('shared-services')) {
      const priv = await preparePrivateServices(join(repoRoot, '.data', 'logs', 'probe-mongo.log'));
      privateMongo = priv.mongo;
      mongoKind = priv.mongoKind;
    }
    // --sqlite=normal|memory: our own dev server with that SQLite setting (default: as npm run services).
    const sqlite = arg('sqlite');
    if (sqlite) {
      const port = Number(process.env.TEMPORAL_ADDRESS!.split(':')[1]);
      const dbFile = sqlite === 'memory' ? undefined : join('.data', 'temporal', `probe-${process.pid}.db`);
      ensureDir(join(repoRoot, '.data', 'temporal'));
      const args = temporalServerArgs({ port, uiPort: port + 1000, dbFile });
      if (sqlite === 'normal') args.push('--sqlite-pragma', 'synchronous=NORMAL');
      ownTemporal = await spawnManaged('temporal', await ensureTemporalCli(), args, {
        cwd: repoRoot,
        output: { kind: 'file', path: join(repoRoot, '.data', 'logs', 'probe-temporal.log') },
      });
      const address = process.env.TEMPORAL_ADDRESS!;
      const ready = await waitFor(async () => !(await temporalProblem(address, 'default')), { timeoutMs: 60_000, intervalMs: 300 });
      if (!ready.ok) throw new Error(`own Temporal dev server did not start: ${ready.reason}`);
      await ensureSearchAttributes(address, 'default');
      ownTemporalFiles = dbFile ? [dbFile, `${dbFile}-wal`, `${dbFile}-shm`].map((f) => join(repoRoot, f)) : [];
      say('probe', `own Temporal dev server on ${address}, SQLite ${sqlite}`);
    }
    services = await startServices({ ephemeral: true });
    Object.assign(process.env, services.env, mongoKind ? { MONGO_KIND: mongoKind } : {});
    const taskQueue = `probe-${randomUUID().slice(0, 8)}`;
    const metricsPort = 9500 + Math.floor(Math.random() * 400);
    const env = {
      ...process.env,
      TEMPORAL_TASK_QUEUE: taskQueue,
      WORKER_METRICS_PORT: String(metricsPort),
      HOST: '127.0.0.1',
      ...(concurrency ? { WORKER_CONCURRENCY: concurrency } : {}),
    };
    const prof = arg('cpu-prof');
    const [cmd, args] = prof
      ? [process.execPath, ['--cpu-prof', `--cpu-prof-dir=${prof}`, '--import', 'tsx', 'temporal/worker.ts']]
      : [localBin('tsx')!, ['temporal/worker.ts']];
    worker = await spawnManaged('worker', cmd, args, {
      cwd: repoRoot,
      env,
      output: { kind: 'file', path: join(repoRoot, '.data', 'logs', 'probe-worker.log') },
    });
    process.env.TEMPORAL_TASK_QUEUE = taskQueue;
    const { defaultDeps } = await import('@/server/deps');
    const { createSale } = await import('@/server/sales/sales.service');
    const { buy, confirm } = await import('@/server/orders/orders.service');
    const { saleScripts } = await import('@/server/redis/scripts');
    const { disconnectMongo } = await import('@models/connection');
    const deps = defaultDeps();
    saleScripts(deps.redis);
    const metricsUrl = `http://127.0.0.1:${metricsPort}/api/metrics`;
    for (let i = 0; i < 120 && !(await scrape(metricsUrl)).length; i++) await sleep(500);

    const sale = await createSale(deps, {
      name: 'probe',
      description: '',
      startingQuantity: n,
      pricePerUnit: 1,
      startsAt: new Date(Date.now() - 1000),
      endsAt: new Date(Date.now() + 3_600_000),
    });
    const emails = Array.from({ length: n }, (_, i) => `probe-${i}-${randomUUID().slice(0, 6)}@probe.local`);
    say('probe', bold(`${n} buyers, ${n} units, worker concurrency ${concurrency ?? 'default'}, Temporal ${services.env.TEMPORAL_ADDRESS}`));

    const t0 = Date.now();
    const buyMs: number[] = [];
    await Promise.all(
      emails.map(async (email) => {
        const t = Date.now();
        await buy(deps, { email, flashSaleId: sale.id });
        buyMs.push(Date.now() - t);
      }),
    );
    const tBuys = Date.now() - t0;
    say('probe', `buys (each starts a hold workflow): ${n} in ${tBuys} ms = ${Math.round((n / tBuys) * 1000)}/s; ${fmt(buyMs)}`);

    const scripts = saleScripts(deps.redis);
    for (;;) {
      const s = await scripts.status(sale.id);
      if (s.holdsLive + s.sold >= n) break;
      await sleep(20);
    }
    const tHeld = Date.now() - t0;
    say('probe', `all ${n} held ${tHeld} ms after the first buy = ${Math.round((n / tHeld) * 1000)} holds/s`);

    const before = await scrape(metricsUrl);
    const cpu = sampleCpu({
      'Temporal dev server': pidListeningOn(Number(services.env.TEMPORAL_ADDRESS.split(':')[1])),
      'worker process': worker.pid,
      jongodb: pidListeningOn(Number(/:(\d+)\//.exec(services.env.MONGODB_URI)?.[1] ?? 27017)),
    }, 500);
    const t1 = Date.now();
    const confirmMs: number[] = [];
    const byEmail = new Map<string, number>();
    let failed = 0;
    await Promise.all(
      emails.map(async (email) => {
        const t = Date.now();
        try {
          await confirm(deps, { email, flashSaleId: sale.id });
        } catch {
          failed++;
        }
        confirmMs.push(Date.now() - t);
        byEmail.set(email, Date.now() - t);
      }),
    );
    const tConfirms = Date.now() - t1;
    const usage = cpu.stop();
    const avg = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
    say('probe', `CPU during the confirms (% of one core): ${Object.entries(usage.groups).map(([k, v]) => `${k} ${Math.round(avg(v))}%`).join(', ')}; whole machine ${Math.round(avg(usage.machine))}% of all cores`);
    say('probe', `confirms (workflow Update + finalize activity): ${n} in ${tConfirms} ms = ${Math.round((n / tConfirms) * 1000)}/s; ${fmt(confirmMs)}; failed ${failed}`);
    const after = await scrape(metricsUrl);
    const d = after.map((s) => ({ ...s, value: s.value - (before.find((b) => b.name === s.name && JSON.stringify(b.labels) === JSON.stringify(s.labels))?.value ?? 0) }));
    const q = (name: string, p: number) => Math.round(histogramQuantile(d, name, p, { activity: 'finalizeOrder' }) * 1000);
    say(
      'probe',
      `finalizeOrder activity: ${sum(d, 'flashsale_worker_activity_duration_seconds_count', { activity: 'finalizeOrder' })} runs, ` +
        `run p50 ${q('flashsale_worker_activity_duration_seconds', 0.5)} ms / p95 ${q('flashsale_worker_activity_duration_seconds', 0.95)} ms, ` +
        `wait to start p50 ${q('flashsale_worker_activity_schedule_to_start_seconds', 0.5)} ms / p95 ${q('flashsale_worker_activity_schedule_to_start_seconds', 0.95)} ms`,
    );
    // Where did the slowest and the median confirm spend their time? (history event timestamps)
    const { holdWorkflowId } = await import('../../temporal/shared');
    const ranked = [...byEmail.entries()].sort((a, b) => a[1] - b[1]);
    const client = await deps.temporal();
    for (const [label, pick] of [['median', ranked[Math.floor(ranked.length / 2)]], ['slowest', ranked.at(-1)]] as const) {
      if (!pick) continue;
      const history = await client.workflow.getHandle(holdWorkflowId(sale.id, pick[0])).fetchHistory();
      const events = history.events ?? [];
      const ts = (e: (typeof events)[number]) => Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6);
      const start = events.length ? ts(events[0]!) : 0;
      say('probe', `${label} confirm (${pick[1]} ms), history of ${pick[0]}:`);
      let prev = start;
      for (const e of events) {
        const t = ts(e);
        const type = String(e.eventType ?? '').replace(/^EVENT_TYPE_/, '');
        console.log(`    +${String(t - start).padStart(6)} ms (+${String(t - prev).padStart(5)})  ${type}`);
        prev = t;
      }
    }
    await disconnectMongo();
    deps.redis.disconnect();
    const temporal = await deps.temporal();
    await temporal.connection.close();
    await stop();
    process.exit(0);
  } catch (err) {
    fail('probe', describeError(err));
    await stop();
    process.exit(1);
  }
}

void main();
