// The bench report of one run: its shape (report.json), the reference figures it is compared
// with, and its assembly from the stack, the options and the run's figures.
import type { TemporalKind } from '../lib/types.js';
import type { ChartPoint } from './chart.js';
import type { RunFigures } from './figures.js';
import { RATE_WINDOW_SEC, stagesOf, type BenchOptions } from './options.js';
import type { Stack } from './stack.js';
import type { StartProbe } from './start-probe.js';
import { machineInfo, type MachineInfo } from './system.js';
import type { SaleActions } from './temporal-actions.js';

/** The original system's published k6 run (its documentation, section 10.2). */
export const ORIGINAL = {
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

/**
 * The same scenario before the engine rewrite (confirm as a workflow Update), 2,000 VUs / 1,000 units
 * on this kind of machine: docs/benchmarks/2000-vus-seed-scenario/report.json, and issue 8's run
 * for the figures that report lacks (buy-to-paid, Temporal actions).
 */
export const BEFORE_REWRITE = {
  source: 'docs/benchmarks/2000-vus-seed-scenario (2,000 VUs, 1,000 units); buy-to-paid and actions: issue 8',
  confirmClientMs: { p50: 17385, p95: 32616, p99: 34248 },
  confirmServerMs: { p50: 18810, p95: 47903, p99: 57581 },
  buyClientP95Ms: 494,
  buyServerP95Ms: 493,
  holdToConfirmMs: { p50: 17385, p95: 32616 },
  buyToPaidP50Ms: 17254,
  temporalActionsPerBuyer: 3,
  temporalActionsNote: '2,138 buyers cost ~6,400 actions',
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

/** A server-side latency from the app's histogram (interpolated within buckets). */
export interface ServerLatency {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}

/** A request's latency on both sides: k6's (client) and the app's histogram (server). */
export interface BothSides {
  client: Latency;
  server: ServerLatency;
}

/**
 * Verified shoppers: each signed in with a code mailed through Mailpit and read by k6 from its
 * API, and solved a proof of work per buy (k6 trends from load/lib/shopper.js and common.js).
 */
export interface VerifiedShopperFigures {
  signIns: number;
  /** Sign-ins that did not end with a token (the code request refused, no mail in time, or the code refused). */
  signInFailures: number;
  /** Of those, the mail did not reach Mailpit within MAIL_WAIT_S. */
  mailTimeouts: number;
  codeRequestMs: BothSides;
  /** From the code request sent to the mail found by a search of Mailpit's API (polled with backoff). */
  mailArrivalMs: Latency;
  verifyMs: BothSides;
  /** The whole sign-in: code request sent to bearer token in hand. */
  signInMs: Latency;
  challengeMs: BothSides;
  /** Finding a challenge's solution in the VU (hashing only). */
  powSolveMs: Latency;
  /** Buys refused by the bot defence (400/403 BOT_CHALLENGE_*). */
  buysRefusedByBotDefence: number;
  /** k6's requests to Mailpit's API (search, read, delete): not the app's, left out of its figures. */
  mailbox: { requests: number; failureRate: number; searchMs: Latency };
}

/** One of issue 8's targets, measured. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

export interface CostFigures {
  /** Buyers who joined the queue (the sale's arrival counter in Redis). */
  buyers: number;
  paid: number;
  /** Requests the app served during the load (its own histogram's count). */
  requests: number;
  redis: {
    /** All commands, those run inside Lua scripts included (Redis counts both). */
    calls: number;
    callsPerBuyer: number;
    callsPerRequest: number;
    scriptCallsPerBuyer: number;
    cpuSec: number;
    cpuMsPerBuyer: number;
    commands: { name: string; calls: number; perBuyer: number; usecPerCall: number }[];
  };
  mongo: {
    source: string;
    ops: Record<string, number>;
    total: number;
    perBuyer: number;
    perPaid: number;
    /** Writes per paid order the engine makes (decrement with marker, order insert, marker removal). */
    engineWritesPerConfirm: number;
  };
  /** CPU seconds per process group from the load's start until the workflows settled. */
  cpuSec: Record<string, { total: number; perBuyerMs: number }>;
  appCpuSecPer1000Requests: number;
  saleDoc: { bytesBefore: number; bytesAfter: number; pendingGrantsAfter: number };
}

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: MachineInfo & {
    loadAverageAtStart1m: number;
    k6: string;
    redis: string;
    temporal: string;
    mongo: string;
    loadOnSameMachine: true;
    /** k6's niceness (0: the same priority as the system under test). */
    k6Nice?: number;
  };
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
    rateLimit: {
      enabled: boolean;
      windowSec: number;
      buyPerIp: number;
      buyPerEmail: number;
      confirmPerIp: number;
      confirmPerEmail: number;
    };
    appMode: string;
    /** Which Temporal server this run used. */
    temporalServer: TemporalKind;
    /** SHOPPER_AUTH and BOT_CHALLENGE of the app and worker. */
    shopperAuth: string;
    botChallenge: string;
    /** Verified runs: BOT_CHALLENGE_MAX_NUMBER, the sign-in's rate limits, and where the codes were mailed. */
    powMaxNumber?: number;
    signInLimits?: { windowSec: number; codePerIp: number; codePerEmail: number; verifyPerIp: number; verifyPerEmail: number };
    mail?: string;
    settleSec: number;
    services: string;
  };
  results: {
    thresholdsPassed: boolean;
    requests: number;
    /** k6's own figure: requests / whole test time (setup and teardown included), as the original system reported. */
    reqPerSec: number;
    /** Requests / the scenario's wall time (VU stages only). */
    reqPerSecDuringScenario: number;
    peakReqPerSec: number;
    failureRate: number;
    failedRequests: number;
    latencyMs: Latency;
    endpoints: Record<string, EndpointFigures>;
    confirmMs: { client: Latency; server: ServerLatency };
    buyMs: { client: Latency; server: ServerLatency };
    /** k6 fs_t_journey: from the buy request to the paid answer. */
    buyToPaidMs: Latency;
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
    overtakes: number;
    overtaken: number;
    leftWithoutUnit: number;
    reconciliationBalanced: boolean;
    soldOutAfterSec: number | null;
    saleEnd: { saleClosed: boolean; closeWaitSec: number; holdsStillRunning: number; settleWaitSec: number };
  };
  targets: TargetCheck[];
  temporalActions: SaleActions;
  costs: CostFigures;
  startProbe?: StartProbe;
  ceiling?: {
    vus: number;
    eachSec: number;
    targets: Record<string, { url: string; reqPerSec: number; p50: number; p95: number; failureRate: number; ratioToHello: number }>;
  };
  engine: {
    workflowStartMs: { op: string; count: number; p50: number; p95: number; p99: number }[];
    /** The app's confirms step by step (reports before this field lack it). */
    confirmStepMs?: { step: string; count: number; p50: number; p95: number; p99: number }[];
    activityMs: { activity: string; count: number; p50: number; p95: number; waitP50: number; waitP95: number; errors: number }[];
    serverLatencyMs: ({ route: string } & ServerLatency)[];
    cpuPercentOfOneCore: Record<string, { avg: number; max: number }>;
    machineCpuPercent: { avg: number; max: number };
    eventLoopLagP99Ms: number | null;
  };
  timeline: ChartPoint[];
  /** Verified runs: the shoppers' sign-in and proof of work. */
  verifiedShoppers?: VerifiedShopperFigures;
  /** The original system's published run (reports written before this name call it `seed`). */
  original: typeof ORIGINAL;
  beforeRewrite: typeof BEFORE_REWRITE;
  files: Record<string, string>;
}

/** Everything one run's report is made of, put together. */
export function buildReport(o: {
  opts: BenchOptions;
  stack: Stack;
  figures: RunFigures;
  ceiling?: BenchReport['ceiling'];
  startProbe?: StartProbe;
  startedAt: Date;
  loadAtStart: number;
  command: string;
  k6Version: string;
}): BenchReport {
  const { opts, stack, figures } = o;
  const stages = stagesOf(opts);
  return {
    startedAt: o.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: o.command,
    machine: {
      ...machineInfo(),
      loadAverageAtStart1m: o.loadAtStart,
      k6: o.k6Version,
      redis: stack.describe.redis,
      temporal: stack.describe.temporal,
      mongo: stack.describe.mongo,
      loadOnSameMachine: true,
      k6Nice: opts.k6Nice,
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
        windowSec: RATE_WINDOW_SEC,
        buyPerIp: opts.perIp,
        buyPerEmail: opts.perEmail,
        confirmPerIp: opts.perIp,
        confirmPerEmail: opts.perEmail,
      },
      appMode: 'NODE_ENV=production (next build), REST and tRPC served by Node http in the app process, one worker process',
      temporalServer: stack.kind,
      shopperAuth: stack.shoppers.shopperAuth,
      botChallenge: stack.shoppers.botChallenge,
      ...(stack.shoppers.shopperAuth === 'verified'
        ? { powMaxNumber: stack.shoppers.powMaxNumber, signInLimits: stack.shoppers.signInLimits, mail: stack.mail?.describe }
        : {}),
      settleSec: opts.settleSec,
      services: stack.describe.services,
    },
    ...figures,
    startProbe: o.startProbe,
    ceiling: o.ceiling,
    original: ORIGINAL,
    beforeRewrite: BEFORE_REWRITE,
    files: {
      'this report': 'report.md',
      'all figures (JSON)': 'report.json',
      chart: 'chart.png (and chart.svg)',
      'k6 end-of-test summary': 'k6-summary.json, k6.log',
      ...(o.ceiling ? { 'hot-read ceiling': 'ceiling-summary.json, ceiling.log' } : {}),
      'app and worker output': 'app.log, worker.log',
      ...(stack.mail && !opts.sharedServices ? { "the run's Mailpit output": 'mailpit.log' } : {}),
      'metrics scraped before and after the load': 'metrics-app.json, metrics-worker.json',
    },
  };
}
