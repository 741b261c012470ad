// npm run bench: the flash-sale scenario against the production build, with a report.
//
//   npm run bench                                   500 VUs, 100 units, 90 s (a few minutes in all)
//   npm run bench -- --vus=2000 --stock=1000 --duration=220   the seed's run
//   npm run bench -- --temporal=postgres                the real Temporal server on PostgreSQL
//   npm run bench -- --help
//
// Starts (or reuses) Redis, Temporal and MongoDB, then the app (NODE_ENV=production, `npm run
// build` first if needed) and the worker on a private task queue, plus a plain Node hello-world.
// Creates an admin and the sales through the REST admin API, measures the hot read endpoints
// beside the hello-world, runs load/flash-sale.js with k6, checks MongoDB and Redis afterwards,
// and writes reports/bench-<timestamp>/ (report.md, report.json, chart.png, chart.svg, logs).
import { randomBytes } from 'node:crypto';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { startServices, type RunningServices } from './services.js';
import { bold, describeError, fail, green, red, say } from './lib/log.js';
import { httpStatus, sleep, splitHostPort, tcpOpen } from './lib/net.js';
import { ensureDir, localBin, repoRoot, which } from './lib/paths.js';
import { liveProcesses, onShutdownSignal, spawnManaged, type ManagedProcess } from './lib/proc.js';
import { parseOptions, stagesOf, type BenchOptions } from './bench/options.js';
import { ensureK6, runK6, runningK6, type K6Summary } from './bench/k6.js';
import { isDescendant, machineInfo, pidListeningOn, sampleCpu, toolVersion, type CpuSeries } from './bench/system.js';
import { delta, histogramQuantile, scrape, sum, type Sample } from './bench/prom.js';
import { chartInputOf, renderPng, renderSvg, type ChartPoint } from './bench/chart.js';
import { freePort, preparePrivateServices } from './bench/private-services.js';
import { TEMPORAL_SERVER } from './lib/tools.js';
import { HISTORY_SHARDS } from './lib/temporal-postgres.js';
import { markdown, SEED, type BenchReport, type EndpointFigures, type Latency } from './bench/report.js';

const WINDOW_SEC = 10;

function recentlyTouched(path: string, withinMs: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < withinMs;
  } catch {
    return false;
  }
}

async function waitHttp(url: string, timeoutMs: number, what: string, died: Promise<string>) {
  const deadline = Date.now() + timeoutMs;
  let dead: string | undefined;
  void died.then((d) => (dead = d));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${what} ${dead}`);
    if ((await httpStatus(url, 3000)) === 200) return;
    await sleep(500);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000}s`);
}

async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const latency = (m: Record<string, number> | undefined): Latency => ({
  count: m?.count ?? 0,
  avg: m?.avg ?? NaN,
  p50: m?.med ?? NaN,
  p95: m?.['p(95)'] ?? NaN,
  p99: m?.['p(99)'] ?? NaN,
  max: m?.max ?? NaN,
});

const stats = (xs: number[]) => ({ avg: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0, max: xs.length ? Math.max(...xs) : 0 });

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const loadAtStart = machineInfo().loadAverage1m;
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = ensureDir(opts.out ? resolve(process.cwd(), opts.out) : join(repoRoot, 'reports', `bench-${stamp}`));
  const file = (name: string) => join(outDir, name);
  const command = `npm run bench -- ${process.argv.slice(2).filter((a) => a !== '--').join(' ')}`.trim();

  let services: RunningServices | undefined;
  const children: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await runningK6()?.stop();
      await Promise.all(children.map((c) => c.stop()));
      if (services) await services.stop();
      else await Promise.all(liveProcesses().map((p) => p.stop()));
    })());
  onShutdownSignal(async () => {
    await stopAll();
    return 130;
  });

  try {
    // 1. Production build and k6.
    // Another `next build` may be writing .next right now (it removes BUILD_ID until it is done).
    for (let i = 0; i < 90 && !existsSync(join(repoRoot, '.next', 'BUILD_ID')) && recentlyTouched(join(repoRoot, '.next'), 120_000); i++) {
      if (i === 0) say('bench', 'waiting for a build in progress (.next changed in the last 2 minutes)');
      await sleep(2000);
    }
    if (!existsSync(join(repoRoot, '.next', 'BUILD_ID'))) {
      if (!opts.build) throw new Error('no production build (.next/BUILD_ID is missing): run npm run build');
      say('bench', 'no production build yet: npm run build');
      const npm = which('npm');
      if (!npm) throw new Error('npm not found on PATH');
      const b = await spawnManaged('build', npm, ['run', 'build'], { cwd: repoRoot, output: { kind: 'file', path: file('build.log') } });
      children.push(b);
      const exit = await b.exited;
      if (exit.code !== 0) throw new Error(`npm run build failed (see ${relative(repoRoot, file('build.log'))})`);
    }
    const k6 = await ensureK6();
    const tsx = localBin('tsx');
    if (!tsx) throw new Error('node_modules/.bin/tsx is missing: run npm install');

    // 2. Services (a private, empty Temporal and MongoDB unless --shared-services), app, worker, hello-world.
    let privateMongoKind: string | undefined;
    if (!opts.sharedServices) {
      const priv = await preparePrivateServices(file('mongo.log'), opts.temporal);
      if (priv.mongo) children.push(priv.mongo);
      privateMongoKind = priv.mongoKind;
    }
    services = await startServices({ ephemeral: !opts.sharedServices, temporal: opts.temporal });
    if (privateMongoKind) services.env.MONGO_KIND = privateMongoKind;
    const port = opts.port;
    const helloPort = port + 1;
    for (const p of [port, helloPort]) if (await tcpOpen('127.0.0.1', p)) throw new Error(`port ${p} is taken: pass --port=N`);
    const workerMetricsPort = await freePort();
    const taskQueue = `bench-${stamp.slice(5).replace(/-/g, '')}`;
    const rate = {
      RATE_LIMIT_ENABLED: String(opts.rateLimit),
      RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SEC),
      RATE_LIMIT_BUY_PER_IP: String(opts.perIp),
      RATE_LIMIT_CONFIRM_PER_IP: String(opts.perIp),
      RATE_LIMIT_BUY_PER_EMAIL: String(opts.perEmail),
      RATE_LIMIT_CONFIRM_PER_EMAIL: String(opts.perEmail),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...services.env,
      ...rate,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      NEXTAUTH_URL: `http://localhost:${port}`,
      // Production mode refuses a missing or published secret: a fresh one per run (nothing else needs it).
      NEXTAUTH_SECRET: randomBytes(32).toString('base64'),
      SHOPPER_AUTH: 'open', ALLOW_OPEN_SHOPPERS: 'true', // k6's shoppers name themselves by email, as the seed's scenario does
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOLD_TTL_SECONDS: String(opts.holdTtlSec),
      WORKER_METRICS_PORT: String(workerMetricsPort),
      ...(opts.workerConcurrency ? { WORKER_CONCURRENCY: String(opts.workerConcurrency) } : {}),
    };
    say('bench', `starting app (production, port ${port}), worker (task queue ${taskQueue}), hello-world (port ${helloPort})`);
    const app = await spawnManaged('app', tsx, ['src/server.ts'], { cwd: repoRoot, env, output: { kind: 'file', path: file('app.log') }, stopTimeoutMs: 10_000 });
    children.push(app);
    const worker = await spawnManaged('worker', tsx, ['temporal/worker.ts'], { cwd: repoRoot, env, output: { kind: 'file', path: file('worker.log') }, stopTimeoutMs: 20_000 });
    children.push(worker);
    const hello = await spawnManaged(
      'hello',
      process.execPath,
      ['-e', `require('node:http').createServer((q, s) => s.end('hello world')).listen(${helloPort}, '127.0.0.1')`],
      { cwd: repoRoot, output: { kind: 'ignore' } },
    );
    children.push(hello);
    const died = (p: ManagedProcess) => p.exited.then(() => `${p.describeExit()} (see ${relative(repoRoot, p.logFile ?? outDir)})`);
    const appUrl = `http://127.0.0.1:${port}`;
    const base = `${appUrl}/api/v1`;
    await waitHttp(`${base}/health`, 180_000, 'app', died(app));
    const listener = pidListeningOn(port);
    if (!listener || !isDescendant(listener, app.pid)) throw new Error(`port ${port} is answered by another process (pid ${listener}): pass --port=N`);
    await waitHttp(`http://127.0.0.1:${workerMetricsPort}/api/metrics`, 120_000, 'worker', died(worker));
    await waitHttp(`http://127.0.0.1:${helloPort}/`, 10_000, 'hello-world', died(hello));
    say('bench', green('app, worker and hello-world are up'));

    // 3. Admin and sales, through the REST admin API (the admin user is written directly: there is no REST sign-up).
    Object.assign(process.env, services.env);
    const { defaultDeps } = await import('@/server/deps');
    const { upsertAdmin } = await import('@/server/users/users.service');
    const { FlashSale, Order } = await import('@models/index');
    const { fairnessReport } = await import('@/engine/fairness');
    const { disconnectMongo } = await import('@models/connection');
    const deps = defaultDeps();
    const adminEmail = 'bench-admin@bench.local';
    const adminPassword = randomBytes(18).toString('base64url');
    await upsertAdmin(deps, { email: adminEmail, password: adminPassword });
    const { token } = await api<{ token: string }>(base, 'POST', '/auth/sign-in', { email: adminEmail, password: adminPassword });
    type Sale = { id: string };

    // 4. Hot reads beside the hello-world.
    let ceiling: BenchReport['ceiling'];
    if (!opts.skipCeiling) {
      const probe = await api<Sale>(base, 'POST', '/flash-sales', {
        name: 'bench ceiling probe',
        startingQuantity: 1,
        pricePerUnit: 1,
        startsAt: new Date(Date.now() + 3_600_000).toISOString(),
        endsAt: new Date(Date.now() + 7_200_000).toISOString(),
      }, token);
      const targets: Record<string, string> = {
        'plain Node http hello-world': `http://127.0.0.1:${helloPort}/`,
        'GET /flash-sales/public/sale': `${base}/flash-sales/public/sale?flashSaleId=${probe.id}`,
        'GET /orders/position': `${base}/orders/position?email=nobody%40bench.local&flashSaleId=${probe.id}`,
      };
      const names = Object.keys(targets);
      const keyOf = (i: number) => `t${i}`;
      say('bench', `hot-read ceiling: ${names.join(', ')} (${opts.ceilingVus} VUs, ${opts.ceilingSec} s each)`);
      const c = await runK6(
        k6,
        'load/ceiling.js',
        { TARGETS: names.map((n, i) => `${keyOf(i)}=${targets[n]}`).join(','), VUS: opts.ceilingVus, EACH_S: opts.ceilingSec, GAP_S: 2 },
        { summary: file('ceiling-summary.json'), log: file('ceiling.log') },
      );
      const mt = c.summary?.metrics ?? {};
      const rps = (i: number) => (mt[`http_reqs{scenario:${keyOf(i)}}`]?.count ?? 0) / opts.ceilingSec;
      const helloRps = rps(0);
      ceiling = {
        vus: opts.ceilingVus,
        eachSec: opts.ceilingSec,
        targets: Object.fromEntries(
          names.map((n, i) => {
            const d = mt[`http_req_duration{scenario:${keyOf(i)}}`];
            return [
              n,
              {
                url: targets[n]!.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''),
                reqPerSec: rps(i),
                p50: d?.med ?? NaN,
                p95: d?.['p(95)'] ?? NaN,
                failureRate: mt[`http_req_failed{scenario:${keyOf(i)}}`]?.value ?? NaN,
                ratioToHello: helloRps ? rps(i) / helloRps : NaN,
              },
            ];
          }),
        ),
      };
    }

    // 5. The flash sale.
    const sale = await api<Sale>(base, 'POST', '/flash-sales', {
      name: `bench flash sale ${stamp}`,
      description: `npm run bench: ${opts.vus} VUs`,
      startingQuantity: opts.stock,
      pricePerUnit: 1,
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + (opts.durationSec + 300) * 1000).toISOString(),
    }, token);
    const stages = stagesOf(opts);
    const bucketSec = Math.max(2, Math.ceil(opts.durationSec / 60));
    const appMetricsUrl = `${appUrl}/api/metrics`;
    const workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/api/metrics`;
    const [appBefore, workerBefore] = await Promise.all([scrape(appMetricsUrl), scrape(workerMetricsUrl)]);
    const temporalPort = splitHostPort(services.env.TEMPORAL_ADDRESS, 7233).port;
    const mongoPort = Number(/:(\d+)\//.exec(services.env.MONGODB_URI)?.[1] ?? 27017);
    const redisPort = Number(/:(\d+)/.exec(services.env.REDIS_URL.replace(/^redis:\/\//, ''))?.[1] ?? 6379);
    const roots: Record<string, number | undefined> = {
      'app (Node: REST, tRPC, Next)': app.pid,
      'worker (Temporal activities)': worker.pid,
      [opts.temporal === 'dev' ? 'Temporal dev server' : 'Temporal server (PostgreSQL)']: pidListeningOn(temporalPort),
      [`MongoDB (${services.env.MONGO_KIND})`]: pidListeningOn(mongoPort),
      Redis: pidListeningOn(redisPort),
    };
    let cpu: ReturnType<typeof sampleCpu> | undefined;
    say('bench', bold(`flash sale ${sale.id}: ${opts.vus} VUs, ${opts.stock} units, ${opts.durationSec} s (${stages.text})`));
    const run = await runK6(
      k6,
      'load/flash-sale.js',
      {
        API_BASE: base,
        SALE_ID: sale.id,
        VUS: opts.vus,
        DURATION_S: opts.durationSec,
        POLL_BASE_MS: opts.pollBaseMs,
        POLL_MAX_MS: opts.pollMaxMs,
        GIVE_UP_PAUSE_S: opts.giveUpPauseSec,
        BUCKET_S: bucketSec,
        RUN_ID: stamp,
      },
      { summary: file('k6-summary.json'), log: file('k6.log') },
      (pid) => (cpu = sampleCpu({ ...roots, 'k6 (load generator)': pid })),
      { TOKEN: token },
    );
    const cpuSeries: CpuSeries = cpu ? (cpu as ReturnType<typeof sampleCpu>).stop() : { groups: {}, machine: [], intervalMs: 1000 };
    await sleep(2000);
    const [appAfter, workerAfter] = await Promise.all([scrape(appMetricsUrl), scrape(workerMetricsUrl)]);
    writeFileSync(file('metrics-app.json'), JSON.stringify({ before: appBefore, after: appAfter }));
    writeFileSync(file('metrics-worker.json'), JSON.stringify({ before: workerBefore, after: workerAfter }));
    const appDelta = delta(appBefore, appAfter);
    const workerDelta = delta(workerBefore, workerAfter);

    // 6. Ground truth: MongoDB, Redis, the admin overview.
    const doc = await FlashSale.findById(sale.id).lean();
    const paidOrders = await Order.countDocuments({ flashSaleId: sale.id, paymentStatus: 'paid' });
    const lastOrder = await Order.findOne({ flashSaleId: sale.id }).sort({ createdAt: -1 }).lean();
    const { grants } = await fairnessReport(deps, sale.id);
    const overview = await api<{ fairness: { inversions: number; fastPassInversions: number }; reconciliation: { balanced: boolean } }>(
      base,
      'GET',
      `/orders/admin/queue/${sale.id}/overview`,
      undefined,
      token,
    );

    // 7. Figures.
    const mt: K6Summary['metrics'] = run.summary?.metrics ?? {};
    const t0 = Number(/flash-sale: t0=(\d+)/.exec(run.log)?.[1] ?? Date.now());
    const timeline: ChartPoint[] = [];
    for (let b = 0; mt[`http_req_duration{tb:${b}}`] !== undefined; b++) {
      const d = mt[`http_req_duration{tb:${b}}`];
      const count = d?.count ?? 0;
      timeline.push({ t: b * bucketSec, rps: count / bucketSec, p50: d?.med ?? 0, p95: d?.['p(95)'] ?? 0 });
    }
    while (timeline.length && timeline.at(-1)!.rps === 0) timeline.pop();
    const scenarioSec = Math.max(bucketSec, timeline.length * bucketSec);
    const scenarioRequests = timeline.reduce((a, p) => a + p.rps * bucketSec, 0);
    const endpoints: Record<string, EndpointFigures> = {};
    for (const name of ['sale_status', 'buy', 'position', 'confirm']) {
      const l = latency(mt[`http_req_duration{name:${name}}`]);
      endpoints[name] = { ...l, reqPerSec: l.count / scenarioSec, failureRate: mt[`http_req_failed{name:${name}}`]?.value ?? NaN };
    }
    const grantTimes = grants.map((g) => g.atMs).sort((a, b) => a - b);
    const perSecond = new Map<number, number>();
    for (const t of grantTimes) perSecond.set(Math.floor(t / 1000), (perSecond.get(Math.floor(t / 1000)) ?? 0) + 1);
    const grantWindowSec = grantTimes.length > 1 ? (grantTimes.at(-1)! - grantTimes[0]!) / 1000 : 0;
    const sold = doc ? doc.startingQuantity - doc.currentQuantity : NaN;
    const soldOutAfterSec = doc && doc.currentQuantity === 0 && lastOrder?.createdAt ? (new Date(lastOrder.createdAt).getTime() - t0) / 1000 : null;
    const counter = (name: string) => mt[name]?.count ?? 0;

    const ms = (s: number) => s * 1000;
    const workflowStartMs = ['start', 'signal_with_start']
      .map((op) => ({
        op,
        count: sum(appDelta, 'flashsale_workflow_start_seconds_count', { op }) + sum(workerDelta, 'flashsale_workflow_start_seconds_count', { op }),
        p50: ms(histogramQuantile([...appDelta, ...workerDelta], 'flashsale_workflow_start_seconds', 0.5, { op })),
        p95: ms(histogramQuantile([...appDelta, ...workerDelta], 'flashsale_workflow_start_seconds', 0.95, { op })),
        p99: ms(histogramQuantile([...appDelta, ...workerDelta], 'flashsale_workflow_start_seconds', 0.99, { op })),
      }))
      .filter((w) => w.count > 0);
    const activities = [...new Set(workerDelta.filter((s) => s.name === 'flashsale_worker_activity_duration_seconds_count').map((s) => s.labels.activity!))];
    const activityMs = activities.map((activity) => ({
      activity,
      count: sum(workerDelta, 'flashsale_worker_activity_duration_seconds_count', { activity }),
      p50: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_duration_seconds', 0.5, { activity })),
      p95: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_duration_seconds', 0.95, { activity })),
      waitP50: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_schedule_to_start_seconds', 0.5, { activity })),
      waitP95: ms(histogramQuantile(workerDelta, 'flashsale_worker_activity_schedule_to_start_seconds', 0.95, { activity })),
      errors: sum(workerDelta, 'flashsale_worker_activity_duration_seconds_count', { activity, outcome: 'error' }),
    })).filter((a) => a.count > 0);
    const routes = [...new Set(appDelta.filter((s) => s.name === 'flashsale_http_request_duration_seconds_count' && s.value > 0).map((s) => s.labels.route!))];
    const serverLatencyMs = routes
      .map((route) => ({
        route,
        count: sum(appDelta, 'flashsale_http_request_duration_seconds_count', { route }),
        p50: ms(histogramQuantile(appDelta, 'flashsale_http_request_duration_seconds', 0.5, { route })),
        p95: ms(histogramQuantile(appDelta, 'flashsale_http_request_duration_seconds', 0.95, { route })),
        p99: ms(histogramQuantile(appDelta, 'flashsale_http_request_duration_seconds', 0.99, { route })),
      }))
      .sort((a, b) => b.count - a.count);
    const lag = appAfter.find((s: Sample) => s.name === 'nodejs_eventloop_lag_p99_seconds');

    const [k6Version, redisInfo, temporalVersion] = await Promise.all([
      toolVersion(k6, ['version']),
      deps.redis.info('server').then((i) => /redis_version:(\S+)/.exec(i)?.[1] ?? 'unknown'),
      (async () => {
        const bin = which('temporal', [join(process.env.XDG_CACHE_HOME || join(process.env.HOME || '/root', '.cache'), 'flash-sale', 'bin')]);
        return bin ? toolVersion(bin, ['--version']) : 'unknown';
      })(),
    ]);

    const report0 = machineInfo();
    const report: BenchReport = {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      command,
      machine: {
        ...report0,
        loadAverageAtStart1m: loadAtStart,
        k6: k6Version,
        redis: redisInfo,
        temporal:
          opts.temporal === 'dev'
            ? `${temporalVersion} (dev server, SQLite)`
            : `server ${TEMPORAL_SERVER.go!.version} on PostgreSQL, ${HISTORY_SHARDS} history shards`,
        mongo: services.env.MONGO_KIND === 'jongodb' ? 'jongodb (wire-compatible in-memory stand-in; no real mongod offline here)' : services.env.MONGO_KIND,
        loadOnSameMachine: true,
      },
      settings: {
        vus: opts.vus,
        durationSec: opts.durationSec,
        stages: stages.text,
        stock: opts.stock,
        pollBaseMs: opts.pollBaseMs,
        pollMaxMs: opts.pollMaxMs,
        giveUpPauseSec: opts.giveUpPauseSec,
        holdTtlSec: opts.holdTtlSec,
        workerConcurrency: opts.workerConcurrency ?? (Number(process.env.WORKER_CONCURRENCY) || 10),
        rateLimit: {
          enabled: opts.rateLimit,
          windowSec: WINDOW_SEC,
          buyPerIp: opts.perIp,
          buyPerEmail: opts.perEmail,
          confirmPerIp: opts.perIp,
          confirmPerEmail: opts.perEmail,
        },
        appMode: 'NODE_ENV=production (next build), SHOPPER_AUTH=open (no sign-in code: each VU names itself by email), REST and tRPC served by Node http in the app process, one worker process',
        services: opts.sharedServices
          ? 'shared with npm run services (Temporal, MongoDB, Redis as found)'
          : `private to this run: ${opts.temporal === 'dev' ? 'a fresh Temporal dev server (SQLite file, deleted afterwards)' : 'a fresh PostgreSQL-backed Temporal server (databases dropped afterwards)'}${privateMongoKind ? ' and a fresh, empty jongodb' : ''}; Redis shared`,
      },
      results: {
        thresholdsPassed: run.code === 0,
        requests: counter('http_reqs'),
        reqPerSec: mt.http_reqs?.rate ?? NaN,
        reqPerSecDuringScenario: scenarioRequests / scenarioSec,
        peakReqPerSec: Math.max(0, ...timeline.map((p) => p.rps)),
        failureRate: mt.http_req_failed?.value ?? NaN,
        latencyMs: latency(mt.http_req_duration),
        endpoints,
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
        stock: opts.stock,
        paidOrders,
        unitsSoldMongo: sold,
        oversell: Math.max(0, paidOrders - opts.stock, sold - opts.stock),
        paidEqualsStock: paidOrders === opts.stock,
        fifoInversions: overview.fairness.inversions,
        fastPassInversions: overview.fairness.fastPassInversions,
        reconciliationBalanced: overview.reconciliation.balanced,
        soldOutAfterSec,
      },
      ceiling,
      engine: {
        workflowStartMs,
        activityMs,
        serverLatencyMs,
        cpuPercentOfOneCore: {
          ...Object.fromEntries(Object.entries(cpuSeries.groups).map(([k, v]) => [k, stats(v)])),
          'everything else on the machine': stats(
            cpuSeries.machine.map((m, i) => Math.max(0, m * report0.cores - Object.values(cpuSeries.groups).reduce((a, g) => a + (g[i] ?? 0), 0))),
          ),
        },
        machineCpuPercent: stats(cpuSeries.machine),
        eventLoopLagP99Ms: lag ? lag.value * 1000 : null,
      },
      timeline,
      seed: SEED,
      files: {
        'this report': 'report.md',
        'all figures (JSON)': 'report.json',
        chart: 'chart.png (and chart.svg)',
        'k6 end-of-test summary': 'k6-summary.json, k6.log',
        'hot-read ceiling': 'ceiling-summary.json, ceiling.log',
        'app and worker output': 'app.log, worker.log',
        'metrics scraped before and after the scenario': 'metrics-app.json, metrics-worker.json',
      },
    };

    const chart = chartInputOf(report);
    writeFileSync(file('chart.png'), renderPng(chart));
    writeFileSync(file('chart.svg'), renderSvg(chart));
    writeFileSync(file('report.json'), JSON.stringify(report, null, 2));
    writeFileSync(file('report.md'), markdown(report));

    await disconnectMongo();
    deps.redis.disconnect();

    const x = report.results;
    const ok = x.oversell === 0 && x.paidEqualsStock && x.failureRate < 0.01;
    console.log('');
    console.log(
      `${bold('bench:')} ${Math.round(x.reqPerSec)} req/s (seed ${SEED.reqPerSec}), p95 ${Math.round(x.latencyMs.p95)} ms (seed ${SEED.p95Ms}), ` +
        `failed ${(x.failureRate * 100).toFixed(2)}%, buy-to-hold p50 ${Math.round(x.buyToHoldMs.p50)} ms / p95 ${Math.round(x.buyToHoldMs.p95)} ms, ` +
        `paid ${x.paidOrders}/${x.stock}, oversold ${x.oversell}, FIFO inversions ${x.fifoInversions}`,
    );
    if (ceiling) {
      const t = Object.entries(ceiling.targets);
      console.log(`${bold('bench:')} ceiling ${t.map(([n, v]) => `${n} ${Math.round(v.reqPerSec)} req/s (${Math.round(v.ratioToHello * 100)}%)`).join(', ')}`);
    }
    console.log(`${bold('bench:')} report ${relative(process.cwd(), file('report.md'))} ${ok ? green('OK') : red('CHECK FAILED')}`);
    await stopAll();
    process.exit(ok ? 0 : 1);
  } catch (err) {
    fail('bench', describeError(err));
    await stopAll();
    process.exit(1);
  }
}

void main();
