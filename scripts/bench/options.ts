// Command-line options of `npm run bench`.
import { TEMPORAL_KINDS, type TemporalKind } from '../lib/types.js';

/**
 * How the scenario's shoppers identify themselves (the app's SHOPPER_AUTH). open: by email in each
 * request, as the original system's scenario did, with no proof of work (BOT_CHALLENGE=off).
 * verified: each signs in with a code mailed through Mailpit (read by k6 from its API) and solves
 * the bot defence's proof of work on every buy (BOT_CHALLENGE=pow).
 */
export const SHOPPER_AUTH_MODES = ['open', 'verified'] as const;
export type ShopperAuthMode = (typeof SHOPPER_AUTH_MODES)[number];

export interface BenchOptions {
  vus: number;
  durationSec: number;
  stock: number;
  pollBaseMs: number;
  pollMaxMs: number;
  giveUpPauseSec: number;
  /** Rate limits stay on; per-address limits are raised because every VU shares 127.0.0.1. */
  rateLimit: boolean;
  perIp: number;
  perEmail: number;
  holdTtlSec: number;
  /** WORKER_CONCURRENCY of the worker (activities at once); undefined keeps the env default. */
  workerConcurrency?: number;
  ceilingSec: number;
  ceilingVus: number;
  skipCeiling: boolean;
  /** Reuse the shared Temporal and MongoDB (npm run services) instead of private, fresh ones. */
  sharedServices: boolean;
  /**
   * dev: the scenario on the Temporal dev server (SQLite). postgres: the scenario on the dev server,
   * then on the real server on PostgreSQL, in one command, compared side by side.
   */
  temporal: TemporalKind;
  /** Longest wait, after the sale's end, for its hold workflows to close before their histories are read. */
  settleSec: number;
  /** Bare workflow starts of the start-rate probe on each Temporal server (0: no probe). */
  probeStarts: number;
  port: number;
  out?: string;
  build: boolean;
  shopperAuth: ShopperAuthMode;
  /** BOT_CHALLENGE_MAX_NUMBER of a verified run: the counter to find is drawn from [max/2, max]. */
  powMaxNumber: number;
  /**
   * Niceness of the k6 process (0: the same priority as the system under test). On a machine the
   * load generator shares, a positive value lets the system under test have the CPU first, as it
   * would with k6 on a machine of its own.
   */
  k6Nice: number;
}

/** Rate-limit window of the bench's app (the limits stay on, raised per address: see BenchOptions). */
export const RATE_WINDOW_SEC = 10;

/**
 * The proof of work's default difficulty, production's own (BOT_CHALLENGE_MAX_NUMBER): about
 * 75,000 SHA-256 hashes per buy, which one k6 VU alone solved in 0.1-0.3 s on this 2 vCPU
 * machine (40 challenges, twice: p50 133-170 ms, p95 183-299 ms). Under load the VUs share the
 * cores with the app, and each solve takes longer: the report shows how much.
 */
export const POW_MAX_NUMBER = 100_000;
/** The bounds src/env.ts accepts for BOT_CHALLENGE_MAX_NUMBER. */
const POW_MAX_NUMBER_RANGE = [10, 100_000_000] as const;

export const DEFAULTS: BenchOptions = {
  vus: 500,
  durationSec: 90,
  stock: 100,
  pollBaseMs: 250,
  pollMaxMs: 2000,
  giveUpPauseSec: 0,
  rateLimit: true,
  perIp: 1_000_000,
  perEmail: 10,
  holdTtlSec: 900,
  ceilingSec: 10,
  ceilingVus: 64,
  skipCeiling: false,
  sharedServices: false,
  temporal: 'dev',
  settleSec: 90,
  probeStarts: 300,
  port: 3300,
  build: true,
  shopperAuth: 'open',
  powMaxNumber: POW_MAX_NUMBER,
  k6Nice: 0,
};

export const USAGE = `npm run bench -- [options]

  --vus=N              peak virtual users of the flash-sale scenario (default ${DEFAULTS.vus}; the original system ran 2000)
  --duration=S         scenario length in seconds: 5% ramp to half, 90% ramp to the peak, 5% down (default ${DEFAULTS.durationSec})
  --stock=N            units on sale (default ${DEFAULTS.stock})
  --poll-base-ms=MS    first position poll delay; x1.5 per poll (default ${DEFAULTS.pollBaseMs})
  --poll-max-ms=MS     longest poll delay (default ${DEFAULTS.pollMaxMs})
  --give-up-pause=S    pause of a VU after "sold out" before its next shopper (default ${DEFAULTS.giveUpPauseSec}, as the original)
  --shopper-auth=open|verified  open (default): shoppers name themselves by email (SHOPPER_AUTH=open,
                       BOT_CHALLENGE=off); verified: each signs in with a code mailed through a Mailpit
                       of the run's own (the shared one with --shared-services) and read from its API,
                       and solves a proof of work per buy (SHOPPER_AUTH=verified, BOT_CHALLENGE=pow)
  --pow-max-number=N   proof-of-work difficulty of a verified run (BOT_CHALLENGE_MAX_NUMBER; about N x 3/4
                       hashes per buy; default ${DEFAULTS.powMaxNumber} as in production, 0.1-0.3 s for one k6 VU here)
  --rate-limit=on|off  rate limits of buy/confirm and sign-in (default on)
  --per-ip=N           per address: buy/confirm per 10 s window, and in verified runs code requests and
                       code checks per 15 min window (default ${DEFAULTS.perIp}: all VUs share one address)
  --per-email=N        buy/confirm per email per 10 s window (default ${DEFAULTS.perEmail}; the sign-in's
                       per-email limits keep their production defaults)
  --hold-ttl=S         hold length in seconds (default ${DEFAULTS.holdTtlSec})
  --worker-concurrency=N  activities the worker runs at once (WORKER_CONCURRENCY; default: the env's)
  --ceiling-s=S        seconds per target of the hot-read ceiling run (default ${DEFAULTS.ceilingSec})
  --ceiling-vus=N      closed-loop VUs of the ceiling run (default ${DEFAULTS.ceilingVus})
  --skip-ceiling       skip the hello-world ceiling comparison
  --shared-services    reuse the Redis, Temporal and MongoDB of npm run services (default: a private,
                       empty Redis, Temporal server and jongodb for each run, so counters such as
                       Redis's commandstats see this run only)
  --temporal=dev|postgres  dev (default): the scenario on a Temporal dev server (SQLite); postgres: the
                       scenario on the dev server, then on the real server on PostgreSQL (4 history
                       shards, fresh databases), and a side-by-side comparison of the two
  --settle=S           after the sale ends, wait up to S s for its hold workflows to close before
                       counting their Temporal actions (default ${DEFAULTS.settleSec})
  --probe-starts=N     bare workflow starts timed on each Temporal server after the scenario
                       (default ${DEFAULTS.probeStarts}; 0: none)
  --k6-nice=N          run k6 at this niceness, 0-19 (default 0: the same priority as the system under
                       test); 10 lets the system under test have the shared cores first, as if k6 ran
                       on a machine of its own (the report says so)
  --port=N             app port (default ${DEFAULTS.port}; the hello-world server uses the next one)
  --out=DIR            report directory (default reports/bench-<timestamp>)
  --no-build           do not run npm run build when .next/BUILD_ID is missing (fail instead)
`;

export function parseOptions(argv: string[]): BenchOptions {
  const o: BenchOptions = { ...DEFAULTS };
  let powGiven = false;
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (const arg of argv) {
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (arg === '--skip-ceiling') {
      o.skipCeiling = true;
      continue;
    }
    if (arg === '--shared-services') {
      o.sharedServices = true;
      continue;
    }
    if (arg === '--no-build') {
      o.build = false;
      continue;
    }
    const m = /^--([a-z0-9-]+)=(.*)$/.exec(arg);
    if (!m) throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    const [, key, v] = m as unknown as [string, string, string];
    switch (key) {
      case 'vus':
        o.vus = int(key, v, 1);
        break;
      case 'k6-nice':
        o.k6Nice = int(key, v, 0);
        if (o.k6Nice > 19) throw new Error(`--k6-nice must be a whole number from 0 to 19, got ${JSON.stringify(v)}`);
        break;
      case 'duration':
        o.durationSec = int(key, v.replace(/s$/, ''), 10);
        break;
      case 'stock':
        o.stock = int(key, v, 1);
        break;
      case 'poll-base-ms':
        o.pollBaseMs = int(key, v, 10);
        break;
      case 'poll-max-ms':
        o.pollMaxMs = int(key, v, 10);
        break;
      case 'give-up-pause':
        o.giveUpPauseSec = int(key, v, 0);
        break;
      case 'rate-limit':
        if (v !== 'on' && v !== 'off') throw new Error('--rate-limit must be on or off');
        o.rateLimit = v === 'on';
        break;
      case 'per-ip':
        o.perIp = int(key, v, 1);
        break;
      case 'per-email':
        o.perEmail = int(key, v, 1);
        break;
      case 'hold-ttl':
        o.holdTtlSec = int(key, v, 5);
        break;
      case 'worker-concurrency':
        o.workerConcurrency = int(key, v, 1);
        break;
      case 'settle':
        o.settleSec = int(key, v.replace(/s$/, ''), 0);
        break;
      case 'probe-starts':
        o.probeStarts = int(key, v, 0);
        break;
      case 'ceiling-s':
        o.ceilingSec = int(key, v, 2);
        break;
      case 'ceiling-vus':
        o.ceilingVus = int(key, v, 1);
        break;
      case 'port':
        o.port = int(key, v, 1);
        break;
      case 'shopper-auth':
        if (!(SHOPPER_AUTH_MODES as readonly string[]).includes(v))
          throw new Error(`--shopper-auth must be one of ${SHOPPER_AUTH_MODES.join(', ')}, got ${JSON.stringify(v)}`);
        o.shopperAuth = v as ShopperAuthMode;
        break;
      case 'pow-max-number':
        o.powMaxNumber = int(key, v, POW_MAX_NUMBER_RANGE[0]);
        if (o.powMaxNumber > POW_MAX_NUMBER_RANGE[1])
          throw new Error(`--pow-max-number must be at most ${POW_MAX_NUMBER_RANGE[1].toLocaleString('en-US')}, got ${v}`);
        powGiven = true;
        break;
      case 'out':
        o.out = v;
        break;
      case 'temporal':
        if (!(TEMPORAL_KINDS as readonly string[]).includes(v)) throw new Error(`--temporal must be one of ${TEMPORAL_KINDS.join(', ')}`);
        o.temporal = v as TemporalKind;
        break;
      default:
        throw new Error(`unknown option --${key}\n\n${USAGE}`);
    }
  }
  if (powGiven && o.shopperAuth !== 'verified')
    throw new Error(
      '--pow-max-number sets the proof of work of verified shoppers: add --shopper-auth=verified (open runs have no proof of work)',
    );
  return o;
}

/** The VU stages for a run: 5% ramp to half the VUs, 90% ramp to all of them, 5% down. */
export function stagesOf(o: { vus: number; durationSec: number }) {
  const half = Math.max(1, Math.round(o.durationSec * 0.05));
  const down = Math.max(1, Math.round(o.durationSec * 0.05));
  const full = Math.max(1, o.durationSec - half - down);
  return { half, full, down, text: `0 -> ${Math.ceil(o.vus / 2)} in ${half} s, -> ${o.vus} in ${full} s, -> 0 in ${down} s` };
}
