/**
 * The one reader of process.env. App, worker and scripts import `env` from here; a missing or
 * malformed value stops start-up with a message naming the variable.
 * Names follow the original system's documentation where they apply.
 */
import { z } from 'zod';

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

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
    CRITICAL_LOCK_TTL_MS: int(200, 10, 60_000),
    /** How often a queued hold re-checks on its own (grants normally arrive by signal). */
    QUEUE_RECHECK_SECONDS: int(60, 1, 3600),
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

    NEXTAUTH_SECRET: z.string().min(16).optional(),
    NEXTAUTH_URL: url(['http', 'https']).optional(),
    JWT_SECRET: z.string().min(16).optional(),

    /**
     * On by default, except under the test runner (NODE_ENV=test): engine tests drive crowds and
     * retry storms through one address and email, and the rate-limit tests pass their own limits.
     */
    RATE_LIMIT_ENABLED: z
      .enum(['true', 'false', '1', '0'])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),
    RATE_LIMIT_BUY_PER_IP: int(600, 1, 1_000_000),
    RATE_LIMIT_BUY_PER_EMAIL: int(10, 1, 1_000_000),
    RATE_LIMIT_WINDOW_SECONDS: int(10, 1, 3600),
    RATE_LIMIT_CONFIRM_PER_IP: int(600, 1, 1_000_000),
    RATE_LIMIT_CONFIRM_PER_EMAIL: int(10, 1, 1_000_000),
    /** Admin sign-in attempts per address per window (REST). */
    RATE_LIMIT_SIGNIN_PER_IP: int(20, 1, 1_000_000),

    /** Largest REST request body accepted (bytes); bigger ones get 413. */
    REST_MAX_BODY_BYTES: int(16_384, 1_024, 1_048_576),
    /** The worker's Prometheus endpoint (GET /api/metrics); 0 turns it off. */
    WORKER_METRICS_PORT: int(9464, 0, 65535),
  })
  .transform((e) => {
    const mongoUri = e.MONGO_URL ?? e.MONGODB_URI ?? 'mongodb://127.0.0.1:27017/flash_sale_db?replicaSet=rs0';
    // A fixed development secret keeps `npm run dev` and tests zero-config; the server warns
    // loudly when production runs on it.
    const devSecret = DEV_SECRET;
    return {
      ...e,
      MONGODB_URI: mongoUri,
      MONGO_DB: e.MONGO_DB ?? dbNameFromUri(mongoUri),
      NEXTAUTH_SECRET: e.NEXTAUTH_SECRET ?? devSecret,
      JWT_SECRET: e.JWT_SECRET ?? e.NEXTAUTH_SECRET ?? devSecret,
      NEXTAUTH_URL: e.NEXTAUTH_URL ?? `http://localhost:${e.PORT}`,
      RATE_LIMIT_ENABLED: e.RATE_LIMIT_ENABLED ?? e.NODE_ENV !== 'test',
    };
  });

export const DEV_SECRET = 'flash-sale-dev-secret-change-me';

export type Env = z.infer<typeof schema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  ${problems.join('\n  ')}`);
    this.name = 'EnvError';
  }
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
    throw new EnvError(result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  return result.data;
}

export const env: Env = parseEnv();
