// The scenario: a sale created through the admin API, load/flash-sale.js run by k6 against it
// with the processes' CPU sampled, the app's and worker's metrics scraped before and after, Redis
// and MongoDB counters read before and after; then the sale is ended (PUT endsAt a moment ahead:
// extend cannot shorten), its workflow's close awaited (the queue empties) and its hold workflows
// given time to close, so what the crowd cost can be counted in full.
import { join } from 'node:path';
import mongoose from 'mongoose';
import { saleWorkflowId } from '@/engine/contract';
import { bold, say, warn } from '../lib/log.js';
import { sleep } from '../lib/net.js';
import { api } from './api.js';
import { runK6, type K6Run } from './k6.js';
import { stagesOf, type BenchOptions } from './options.js';
import { scrape, type Sample } from './prom.js';
import { readRedisStats, type RedisStats } from './redis-stats.js';
import type { Stack } from './stack.js';
import { sampleCpu, type CpuSeries } from './system.js';
import { waitForHoldsToClose } from './temporal-actions.js';

/** How long the sale stays open once the bench ends it (long enough for the workflow's reschedule to land). */
const END_AHEAD_MS = 2000;

export interface ScenarioRun {
  saleId: string;
  k6: K6Run;
  bucketSec: number;
  /** CPU from k6's start until the hold workflows settled; the first `loadSamples` samples are the load. */
  cpu: CpuSeries;
  loadSamples: number;
  metrics: { appBefore: Sample[]; appAfter: Sample[]; workerBefore: Sample[]; workerAfter: Sample[] };
  redis: { before: RedisStats; after: RedisStats };
  mongoOps: { before: Record<string, number>; after: Record<string, number> };
  /** BSON size of the sale document right after creation and after the sale closed. */
  saleDoc: { bytesBefore: number; bytesAfter: number; pendingGrantsAfter: number };
  end: {
    /** The sale workflow returned (closeSale ran) within the wait. */
    saleClosed: boolean;
    closeWaitSec: number;
    /** Hold workflows still running after --settle seconds. */
    holdsStillRunning: number;
    settleWaitSec: number;
  };
}

/** The sale document as stored (all fields, the confirm markers included) and its BSON size. */
async function saleDocument(stack: Stack, saleId: string) {
  const doc = await stack.mongo.collection('flashsales').findOne({ _id: new mongoose.Types.ObjectId(saleId) });
  if (!doc) throw new Error(`sale ${saleId} is not in MongoDB`);
  return {
    bytes: mongoose.mongo.BSON.calculateObjectSize(doc),
    pendingGrants: Object.keys((doc.pendingGrants as object | undefined) ?? {}).length,
  };
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([p, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);

export async function runScenario(stack: Stack, k6: string, opts: BenchOptions, dir: string, stamp: string): Promise<ScenarioRun> {
  const sale = await api<{ id: string }>(
    stack.base,
    'POST',
    '/flash-sales',
    {
      name: `bench flash sale ${stamp}`,
      description: `npm run bench: ${opts.vus} VUs`,
      startingQuantity: opts.stock,
      pricePerUnit: 1,
      startsAt: new Date(Date.now() - 1000).toISOString(),
      endsAt: new Date(Date.now() + (opts.durationSec + 300) * 1000).toISOString(),
    },
    stack.token,
  );
  const docBefore = await saleDocument(stack, sale.id);
  const stages = stagesOf(opts);
  const bucketSec = Math.max(2, Math.ceil(opts.durationSec / 60));
  const [appBefore, workerBefore, redisBefore, mongoBefore] = await Promise.all([
    scrape(stack.appMetricsUrl),
    scrape(stack.workerMetricsUrl),
    readRedisStats(stack.redis),
    stack.mongoOps.read(),
  ]);

  let sampler: ReturnType<typeof sampleCpu> | undefined;
  say(
    'bench',
    bold(
      `flash sale ${sale.id} on the ${stack.kind === 'dev' ? 'dev server' : 'PostgreSQL-backed server'}: ${opts.vus} ${stack.shoppers.shopperAuth} shoppers, ${opts.stock} units, ${opts.durationSec} s (${stages.text})`,
    ),
  );
  const k6Run = await runK6(
    k6,
    'load/flash-sale.js',
    {
      API_BASE: stack.base,
      SALE_ID: sale.id,
      VUS: opts.vus,
      DURATION_S: opts.durationSec,
      POLL_BASE_MS: opts.pollBaseMs,
      POLL_MAX_MS: opts.pollMaxMs,
      GIVE_UP_PAUSE_S: opts.giveUpPauseSec,
      BUCKET_S: bucketSec,
      RUN_ID: `${stamp}-${stack.kind}`,
      // As the app runs: open shoppers need neither a sign-in nor a proof of work; verified ones
      // sign in with the code from Mailpit and solve the proof of work on every buy.
      SHOPPER_AUTH: stack.shoppers.shopperAuth,
      ...(stack.shoppers.shopperAuth === 'verified' ? { MAILPIT_URL: stack.mail!.apiUrl, SOLVE_POW: 1 } : { BOT_CHALLENGE: 'off' }),
    },
    { summary: join(dir, 'k6-summary.json'), log: join(dir, 'k6.log') },
    (pid) => (sampler = sampleCpu({ ...stack.cpuGroups, 'k6 (load generator)': pid })),
    { TOKEN: stack.token },
    opts.k6Nice,
  );
  const loadSamples = sampler?.mark() ?? 0;
  await sleep(2000);
  const [appAfter, workerAfter] = await Promise.all([scrape(stack.appMetricsUrl), scrape(stack.workerMetricsUrl)]);

  // End the sale now and let its workflows finish.
  const t0 = Date.now();
  await api(stack.base, 'PUT', `/flash-sales/${sale.id}`, { endsAt: new Date(Date.now() + END_AHEAD_MS).toISOString() }, stack.token);
  const closed = await withTimeout(
    stack.temporal.workflow
      .getHandle(saleWorkflowId(sale.id))
      .result()
      .then(() => true),
    60_000,
  );
  const closeWaitSec = (Date.now() - t0) / 1000;
  if (!closed) warn('bench', `the sale workflow did not close within 60 s of the sale's end`);
  say('bench', `sale ended; waiting up to ${opts.settleSec} s for its hold workflows to close`);
  const t1 = Date.now();
  const holdsStillRunning = await waitForHoldsToClose(stack.temporal, sale.id, opts.settleSec * 1000);
  const settleWaitSec = (Date.now() - t1) / 1000;
  if (holdsStillRunning)
    warn(
      'bench',
      `${holdsStillRunning} hold workflow(s) still running after ${opts.settleSec} s: their histories are counted as far as they got`,
    );
  const cpu: CpuSeries = sampler ? sampler.stop() : { groups: {}, machine: [], seconds: [], intervalMs: 1000 };

  const [redisAfter, mongoAfter, docAfter] = await Promise.all([
    readRedisStats(stack.redis),
    stack.mongoOps.read(),
    saleDocument(stack, sale.id),
  ]);
  return {
    saleId: sale.id,
    k6: k6Run,
    bucketSec,
    cpu,
    loadSamples,
    metrics: { appBefore, appAfter, workerBefore, workerAfter },
    redis: { before: redisBefore, after: redisAfter },
    mongoOps: { before: mongoBefore, after: mongoAfter },
    saleDoc: { bytesBefore: docBefore.bytes, bytesAfter: docAfter.bytes, pendingGrantsAfter: docAfter.pendingGrants },
    end: { saleClosed: closed === true, closeWaitSec, holdsStillRunning, settleWaitSec },
  };
}
