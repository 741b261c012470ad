/**
 * The one reader of process.env. App, worker and scripts import `env` from here; a missing or
 * malformed value stops start-up with a message naming the variable.
 * Names follow the original system's documentation where they apply.
 */
import proxyaddr from 'proxy-addr';
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/** true/false/1/0, or unset (then the schema's transform decides). */
const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1'));

const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
      message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
    });

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: int(3000, 1, 65535),
    HOST: z.string().default('0.0.0.0'),

    REDIS_URL: url(['redis', 'rediss']).default('redis://127.0.0.1:6379'),

    MONGODB_URI: url(['mongodb', 'mongodb+srv']).optional(),
    /** Legacy alias of MONGODB_URI; wins when set (as in the original system). */
    MONGO_URL: url(['mongodb', 'mongodb+srv']).optional(),
    MONGO_DB: z.string().min(1).optional(),
    /** Which server answers MONGODB_URI: set by the service scripts, shown in health output. */
    MONGO_KIND: z.enum(['mongod', 'jongodb', 'external']).default('external'),

    TEMPORAL_ADDRESS: z.string().min(3).default('127.0.0.1:7233'),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('flash-sale'),
    TEMPORAL_UI_URL: url(['http', 'https']).default('http://localhost:8233'),
    TEMPORAL_LOG_LEVEL: z.enum(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR']).default('WARN'),

    HOLD_TTL_SECONDS: int(900, 1, 86_400),
    FAST_PASS_PERCENT: z.coerce.number().min(0).max(100).default(1),
    WORKER_CONCURRENCY: int(10, 1, 1000),
    /**
     * Workflow starts and signals one process has in flight at once (src/engine/background.ts):
     * what a burst of buyers asks of Temporal at a time; the rest wait their turn in the process.
     */
    TEMPORAL_MESSAGES_IN_FLIGHT: int(32, 1, 1000),
    CRITICAL_LOCK_TTL_MS: int(200, 10, 60_000),
    /** How often a queued hold re-checks on its own (grants normally arrive by signal). */
    QUEUE_RECHECK_SECONDS: int(300, 1, 3600),
    /** How often the sale workflow runs the dispatcher while buyers wait. */
    SALE_TICK_SECONDS: int(5, 1, 3600),
    /** Extra life of a hold's Redis key beyond the hold, so the key is a backstop, not the timer. */
    HOLD_GRACE_SECONDS: int(60, 0, 3600),
    /**
     * How long a confirm owns its hold before a retry, the hold workflow or the sweeper may finish
     * it instead (its app died). The owner sends no MongoDB write after half of it.
     */
    CONFIRM_LEASE_MS: int(30_000, 100, 600_000),
    /** Test-only: a step at which the process stops dead, for crash tests (src/engine/faults.ts). */
    FAULT_POINT: z.string().min(1).optional(),

    /** Signs sessions and bearer tokens. Production refuses to start without a strong one (see `secretProblems`). */
    NEXTAUTH_SECRET: z.string().optional(),
    NEXTAUTH_URL: url(['http', 'https']).optional(),
    /** The original system's name for the token secret: used when NEXTAUTH_SECRET is not set. */
    JWT_SECRET: z.string().optional(),
    /** Set by `next build` while it collects pages: a build needs no secret, only the running server does. */
    NEXT_PHASE: z.string().optional(),

    /**
     * Which proxies in front of the app may say who the client is (X-Forwarded-For, -Proto): a
     * number of hops, or a comma-separated list of addresses / CIDR ranges (or proxy-addr's names
     * loopback, linklocal, uniquelocal). Unset: nobody; the client is the socket's address.
     */
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v, ctx) => {
        const parsed = parseTrustProxy(v);
        if (parsed === 'invalid') {
          ctx.addIssue({ code: 'custom', message: TRUST_PROXY_HELP });
          return z.NEVER;
        }
        return parsed;
      }),

    // ---- Shoppers: who may act as whom (src/server/auth/sign-in-codes.ts, shopper-identity.ts) ----
    /**
     * `verified`: a shopper proves their email with a one-time code sent to it (sessions and REST
     * bearer tokens). `open`: the original system's behaviour, the email alone names the buyer
     * (REST body, guest sign-in): for load tests and demos; production refuses it unless
     * ALLOW_OPEN_SHOPPERS=true is set too.
     */
    SHOPPER_AUTH: z.enum(['open', 'verified']).default('verified'),
    ALLOW_OPEN_SHOPPERS: flag,
    /** How long an emailed sign-in code works, and how many wrong tries kill it. */
    SHOPPER_CODE_TTL_SECONDS: int(600, 5, 3600),
    SHOPPER_CODE_MAX_TRIES: int(5, 1, 20),
    /** Where sign-in codes are sent from: smtp:// or smtps:// (user:password@host:port). Development and tests: Mailpit on 1025. */
    SMTP_URL: url(['smtp', 'smtps']).optional(),
    /** The From of the sign-in mails: `address` or `Name <address>` (default: no-reply at NEXTAUTH_URL's host). */
    SMTP_FROM: z
      .string()
      .trim()
      .refine((v) => mailAddressOf(v) !== null, {
        message: 'SMTP_FROM must be an email address, or a name and one: Flash Sale <no-reply@example.com>',
      })
      .optional(),

    // ---- Rate limits (src/server/ratelimit.ts, rate-limiter-flexible on Redis) ----
    /**
     * On by default, except under the test runner (NODE_ENV=test): engine tests drive crowds and
     * retry storms through one address and email, and the rate-limit tests pass their own limits.
     */
    RATE_LIMIT_ENABLED: flag,
    /** Window of the shopper actions' limits (buy, confirm, cancel). */
    RATE_LIMIT_WINDOW_SECONDS: int(10, 1, 3600),
    RATE_LIMIT_BUY_PER_IP: int(600, 1, 1_000_000),
    RATE_LIMIT_BUY_PER_EMAIL: int(10, 1, 1_000_000),
    RATE_LIMIT_CONFIRM_PER_IP: int(600, 1, 1_000_000),
    RATE_LIMIT_CONFIRM_PER_EMAIL: int(10, 1, 1_000_000),
    RATE_LIMIT_CANCEL_PER_IP: int(600, 1, 1_000_000),
    RATE_LIMIT_CANCEL_PER_EMAIL: int(10, 1, 1_000_000),
    /** Window of the sign-in limits (code requests, code checks, admin sign-in). */
    RATE_LIMIT_AUTH_WINDOW_SECONDS: int(900, 1, 86_400),
    /** Sign-in codes sent, per address and per email (the mailbox) per auth window. */
    RATE_LIMIT_CODE_PER_IP: int(30, 1, 1_000_000),
    RATE_LIMIT_CODE_PER_EMAIL: int(5, 1, 1_000_000),
    /** Codes checked (shopper sign-ins), per address and per email per auth window. */
    RATE_LIMIT_VERIFY_PER_IP: int(60, 1, 1_000_000),
    RATE_LIMIT_VERIFY_PER_EMAIL: int(15, 1, 1_000_000),
    /** Admin sign-in attempts (password), per address and per email per auth window. */
    RATE_LIMIT_SIGNIN_PER_IP: int(30, 1, 1_000_000),
    RATE_LIMIT_SIGNIN_PER_EMAIL: int(10, 1, 1_000_000),

    /**
     * Bot defence: `pow` makes joining a sale (buy) need a solved ALTCHA proof-of-work challenge
     * (src/server/bot/pow.ts). Default: pow in production, off in development and tests.
     */
    BOT_CHALLENGE: z.enum(['pow', 'off']).optional(),
    /** Signs the challenges (HMAC): production with pow refuses a missing or weak one, like NEXTAUTH_SECRET. */
    BOT_CHALLENGE_HMAC_KEY: z.string().optional(),
    /** Difficulty: the counter to find is drawn from [max/2, max], so a buy costs about max x 3/4 SHA-256 hashes. */
    BOT_CHALLENGE_MAX_NUMBER: int(100_000, 10, 100_000_000),
    /** How long a challenge may be solved and used (each solution is used once). */
    BOT_CHALLENGE_EXPIRES_SECONDS: int(300, 5, 3600),

    /** Largest REST request body accepted (bytes); bigger ones get 413. */
    REST_MAX_BODY_BYTES: int(16_384, 1_024, 1_048_576),
    /** The worker's Prometheus endpoint (GET /api/metrics); 0 turns it off. */
    WORKER_METRICS_PORT: int(9464, 0, 65535),
  })
  .superRefine((e, ctx) => {
    if (e.NODE_ENV !== 'production' || e.NEXT_PHASE === 'phase-production-build') return;
    for (const problem of [...secretProblems(e), ...shopperAuthProblems(e)]) {
      ctx.addIssue({ code: 'custom', path: [problem.variable], message: problem.message });
    }
    if ((e.BOT_CHALLENGE ?? 'pow') === 'pow') {
      for (const problem of botKeyProblems(e.BOT_CHALLENGE_HMAC_KEY))
        ctx.addIssue({ code: 'custom', path: ['BOT_CHALLENGE_HMAC_KEY'], message: problem });
    }
  })
  .transform((e) => {
    const mongoUri = e.MONGO_URL ?? e.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/flash_sale_db?replicaSet=rs0';
    // A fixed development secret keeps `npm run dev` and tests zero-config; production never
    // gets here without a strong secret of its own (see the check above).
    const secret = e.NEXTAUTH_SECRET ?? e.JWT_SECRET ?? DEV_SECRET;
    const nextAuthUrl = e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`;
    return {
      ...e,
      MONGODB_URI: mongoUri,
      MONGO_DB: e.MONGO_DB ?? dbNameFromUri(mongoUri),
      NEXTAUTH_SECRET: secret,
      JWT_SECRET: secret,
      NEXTAUTH_URL: nextAuthUrl,
      RATE_LIMIT_ENABLED: e.RATE_LIMIT_ENABLED ?? e.NODE_ENV !== 'test',
      BOT_CHALLENGE: e.BOT_CHALLENGE ?? (e.NODE_ENV === 'production' ? 'pow' : 'off'),
      BOT_CHALLENGE_HMAC_KEY: e.BOT_CHALLENGE_HMAC_KEY ?? DEV_BOT_KEY,
      ALLOW_OPEN_SHOPPERS: e.ALLOW_OPEN_SHOPPERS ?? false,
      // Development and tests send to the local Mailpit; production never gets here without one of its own.
      SMTP_URL: e.SMTP_URL ?? MAILPIT_SMTP_URL,
      SMTP_FROM: e.SMTP_FROM ?? `Flash Sale <no-reply@${new URL(nextAuthUrl).hostname}>`,
    };
  });

/** The SMTP server `npm run dev` and `npm test` start (scripts/lib/mailpit.ts). */
export const MAILPIT_SMTP_URL = 'smtp://127.0.0.1:1025';

/** The address in `a@b.c` or `Name <a@b.c>`, or null when there is none. */
export function mailAddressOf(value: string): string | null {
  const m = /^(?:[^<>]*<\s*([^<>\s]+)\s*>|([^<>\s]+))$/.exec(value.trim());
  const address = m?.[1] ?? m?.[2];
  return address && z.email().safeParse(address).success ? address : null;
}

/** Why production must not start with this shopper sign-in setting (empty when it is fine). */
export function shopperAuthProblems(e: {
  SHOPPER_AUTH: 'open' | 'verified';
  ALLOW_OPEN_SHOPPERS?: boolean;
  SMTP_URL?: string;
}): { variable: string; message: string }[] {
  if (e.SHOPPER_AUTH === 'open') {
    if (e.ALLOW_OPEN_SHOPPERS) return [];
    return [
      {
        variable: 'SHOPPER_AUTH',
        message:
          'SHOPPER_AUTH=open lets anyone act as any shopper by typing their email; production refuses it unless ALLOW_OPEN_SHOPPERS=true is also set (load tests and demos only)',
      },
    ];
  }
  if (e.SMTP_URL) return [];
  return [
    {
      variable: 'SMTP_URL',
      message:
        'SMTP_URL is not set: shoppers sign in with a code sent by email (SHOPPER_AUTH=verified), so production needs an SMTP server, e.g. smtps://user:password@smtp.example.com:465',
    },
  ];
}

/** Development and test sessions are signed with this; it is public, so production refuses it. */
export const DEV_SECRET = 'flash-sale-dev-secret-change-me';

/**
 * Secrets published somewhere (this file, the old docker-compose default, the original system's
 * documentation): anyone can sign an admin token with them.
 */
export const PUBLIC_SECRETS: readonly string[] = [
  DEV_SECRET,
  'change-me-not-for-production',
  'super-secret-change-in-prod',
  'local-secret',
];

export const MIN_SECRET_LENGTH = 32;

const MAKE_ONE = 'make one with `openssl rand -base64 32`';

/** Why production must not start with these secrets (empty when they are fine). */
export function secretProblems(e: { NEXTAUTH_SECRET?: string; JWT_SECRET?: string }): { variable: string; message: string }[] {
  const given = (['NEXTAUTH_SECRET', 'JWT_SECRET'] as const).filter((name) => e[name] !== undefined);
  if (!given.length) {
    return [
      {
        variable: 'NEXTAUTH_SECRET',
        message: `NEXTAUTH_SECRET is not set: production needs a secret of at least ${MIN_SECRET_LENGTH} random characters; ${MAKE_ONE}`,
      },
    ];
  }
  const problems: { variable: string; message: string }[] = [];
  for (const name of given) {
    const value = e[name]!;
    if (PUBLIC_SECRETS.includes(value)) {
      problems.push({
        variable: name,
        message: `${name} is a published development default, so anyone could sign an admin token with it; ${MAKE_ONE}`,
      });
    } else if (value.length < MIN_SECRET_LENGTH) {
      problems.push({
        variable: name,
        message: `${name} must be at least ${MIN_SECRET_LENGTH} characters long (it has ${value.length}); ${MAKE_ONE}`,
      });
    }
  }
  return problems;
}

/** Development and test challenges are signed with this; it is public, so production refuses it. */
export const DEV_BOT_KEY = 'flash-sale-dev-bot-challenge-key-change-me';

/** Why production must not sign bot challenges with this key (empty when it is fine). */
export function botKeyProblems(key: string | undefined): string[] {
  const why = 'with BOT_CHALLENGE=pow (the production default) challenges are signed with it';
  if (key === undefined) return [`BOT_CHALLENGE_HMAC_KEY is not set: ${why}; ${MAKE_ONE} (or set BOT_CHALLENGE=off)`];
  if (key === DEV_BOT_KEY || PUBLIC_SECRETS.includes(key))
    return [`BOT_CHALLENGE_HMAC_KEY is a published development default, so anyone could sign their own easy challenges; ${MAKE_ONE}`];
  if (key.length < MIN_SECRET_LENGTH)
    return [`BOT_CHALLENGE_HMAC_KEY must be at least ${MIN_SECRET_LENGTH} characters long (it has ${key.length}); ${MAKE_ONE}`];
  return [];
}

/** Parsed TRUST_PROXY: how many proxy hops to trust, or which proxy addresses. */
export type TrustProxy = { hops: number } | { addresses: string[] } | null;

const TRUST_PROXY_HELP =
  'TRUST_PROXY must be a number of proxy hops (e.g. 1) or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.0/8, 192.168.1.7, loopback)';

/** '' or unset: trust nobody; '2': two hops; '10.0.0.0/8, ::1': those proxies. 'invalid' otherwise. */
export function parseTrustProxy(value: string | undefined): TrustProxy | 'invalid' {
  const v = value?.trim() ?? '';
  if (v === '' || v === 'false') return null;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops === 0 ? null : hops <= 32 ? { hops } : 'invalid';
  }
  const addresses = v.split(',').map((a) => a.trim());
  if (addresses.some((a) => !a)) return 'invalid';
  try {
    proxyaddr.compile(addresses); // throws on anything that is not an address, a range or a known name
  } catch {
    return 'invalid';
  }
  return { addresses };
}

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvError';
  }
}

/** "PORT: too big", or the message alone when it already starts with the variable's name. */
function describeProblem(issue: z.core.$ZodIssue): string {
  const name = issue.path.join('.') || '(env)';
  return issue.message.startsWith(name) ? issue.message : `${name}: ${issue.message}`;
}

function dbNameFromUri(uri: string): string {
  const path = uri.replace(/^mongodb(\+srv)?:\/\/[^/]*/, '').split('?')[0] ?? '';
  return path.replace(/^\//, '') || 'flash_sale_db';
}

/** Parses an environment (process.env by default); throws EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    throw new EnvError(result.error.issues.map(describeProblem));
  }
  return result.data;
}

/**
 * Every entry point (app, worker, scripts, Next's server code) imports this module first, so a
 * bad environment stops each of them here: with the reasons, not a stack trace.
 */
function loadEnv(): Env {
  try {
    return parseEnv();
  } catch (err) {
    if (!(err instanceof EnvError)) throw err;
    console.error(`[env] ${err.message}`);
    process.exit(1);
  }
}

export const env: Env = loadEnv();
