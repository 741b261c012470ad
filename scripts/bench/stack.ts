// The stack a bench run measures: the services (private and empty unless --shared-services), the
// app in production mode, the worker on a task queue of its own, a plain Node hello-world beside
// them, an admin and its token, and the bench's own connections for reading the ground truth
// afterwards (Redis, MongoDB, Temporal). Verified shoppers (--shopper-auth=verified) add a
// Mailpit for their sign-in codes and the bot defence's proof of work. stop() takes all of it
// down again.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import { parseEnv } from '@/env';
import { startServices, type ServicesEnv } from '../services.js';
import { green, say } from '../lib/log.js';
import { sleep, splitHostPort, tcpOpen } from '../lib/net.js';
import { startPrivateMailpit } from '../lib/mailpit.js';
import { localBin, repoRoot, which, cacheBinDir } from '../lib/paths.js';
import { spawnManaged, runCapture, type ManagedProcess } from '../lib/proc.js';
import { HISTORY_SHARDS, temporalDatabases } from '../lib/temporal-postgres.js';
import { TEMPORAL_SERVER } from '../lib/tools.js';
import type { TemporalKind } from '../lib/types.js';
import { api, waitHttp } from './api.js';
import { HOUSEKEEPING, startMongoWireCounter } from './mongo-wire.js';
import { RATE_WINDOW_SEC, type BenchOptions } from './options.js';
import { freePort, preparePrivateServices } from './private-services.js';
import { isDescendant, pidListeningOn, toolVersion, type CpuGroup } from './system.js';

/** Where MongoDB operations are counted: the server's own opcounters, or the bench's wire relay. */
export interface MongoOps {
  source: string;
  /** Operations so far, per kind (opcounters) or per command (relay), housekeeping left out. */
  read(): Promise<Record<string, number>>;
}

export interface Stack {
  kind: TemporalKind;
  appUrl: string;
  /** REST base, http://127.0.0.1:<port>/api/v1 */
  base: string;
  helloUrl: string;
  appMetricsUrl: string;
  workerMetricsUrl: string;
  taskQueue: string;
  /** The admin's bearer token. */
  token: string;
  env: ServicesEnv;
  /** The bench's own connections, straight to the servers (not counted as the app's MongoDB operations). */
  redis: Redis;
  mongo: mongoose.Connection;
  temporal: Client;
  mongoOps: MongoOps;
  /** Process groups to sample for CPU (k6 is added once it runs). */
  cpuGroups: Record<string, CpuGroup>;
  describe: { temporal: string; mongo: string; services: string; redis: string; k6?: string };
  /** How the app and worker were told to treat shoppers, as they parsed it (src/env.ts). */
  shoppers: ShopperSettings;
  /** Verified shoppers: the Mailpit their codes go to (its API is where k6 reads them). */
  mail?: { smtpUrl: string; apiUrl: string; describe: string };
  stop(): Promise<void>;
}

export interface ShopperSettings {
  shopperAuth: 'open' | 'verified';
  botChallenge: 'pow' | 'off';
  /** BOT_CHALLENGE_MAX_NUMBER (verified runs). */
  powMaxNumber?: number;
  /** The sign-in's limits (verified runs): per address and per email, per window. */
  signInLimits?: { windowSec: number; codePerIp: number; codePerEmail: number; verifyPerIp: number; verifyPerEmail: number };
}

/**
 * The environment that sets how shoppers identify themselves. Open: by email, no proof of work
 * (production refuses that unless told). Verified: codes by mail through `smtpUrl`, a proof of
 * work per buy with a fresh key, and the sign-in's per-address limits raised like buy's (every
 * VU shares one address); its per-email limits keep their production defaults.
 */
export function shopperEnv(opts: Pick<BenchOptions, 'shopperAuth' | 'powMaxNumber' | 'perIp'>, smtpUrl?: string): Record<string, string> {
  if (opts.shopperAuth === 'open') return { SHOPPER_AUTH: 'open', ALLOW_OPEN_SHOPPERS: 'true', BOT_CHALLENGE: 'off' };
  if (!smtpUrl) throw new Error('verified shoppers need an SMTP server for their codes');
  return {
    SHOPPER_AUTH: 'verified',
    SMTP_URL: smtpUrl,
    BOT_CHALLENGE: 'pow',
    BOT_CHALLENGE_MAX_NUMBER: String(opts.powMaxNumber),
    // Production refuses a missing or published key: a fresh one per run.
    BOT_CHALLENGE_HMAC_KEY: randomBytes(32).toString('base64'),
    RATE_LIMIT_CODE_PER_IP: String(opts.perIp),
    RATE_LIMIT_VERIFY_PER_IP: String(opts.perIp),
  };
}

/** What the app makes of its environment, for the report (and a clear error before it starts). */
function shopperSettingsOf(appEnv: NodeJS.ProcessEnv): ShopperSettings {
  const e = parseEnv(appEnv);
  if (e.SHOPPER_AUTH === 'open') return { shopperAuth: 'open', botChallenge: e.BOT_CHALLENGE };
  return {
    shopperAuth: 'verified',
    botChallenge: e.BOT_CHALLENGE,
    powMaxNumber: e.BOT_CHALLENGE_MAX_NUMBER,
    signInLimits: {
      windowSec: e.RATE_LIMIT_AUTH_WINDOW_SECONDS,
      codePerIp: e.RATE_LIMIT_CODE_PER_IP,
      codePerEmail: e.RATE_LIMIT_CODE_PER_EMAIL,
      verifyPerIp: e.RATE_LIMIT_VERIFY_PER_IP,
      verifyPerEmail: e.RATE_LIMIT_VERIFY_PER_EMAIL,
    },
  };
}

function recentlyTouched(path: string, withinMs: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < withinMs;
  } catch {
    return false;
  }
}

/** The production build the app serves: waits for one in progress, else runs `npm run build` if allowed. */
export async function ensureBuild(opts: BenchOptions, logFile: string, track: (p: ManagedProcess) => void): Promise<void> {
  // Another `next build` may be writing .next right now (it removes BUILD_ID until it is done).
  for (let i = 0; i < 90 && !existsSync(join(repoRoot, '.next', 'BUILD_ID')) && recentlyTouched(join(repoRoot, '.next'), 120_000); i++) {
    if (i === 0) say('bench', 'waiting for a build in progress (.next changed in the last 2 minutes)');
    await sleep(2000);
  }
  if (existsSync(join(repoRoot, '.next', 'BUILD_ID'))) return;
  if (!opts.build) throw new Error('no production build (.next/BUILD_ID is missing): run npm run build');
  say('bench', 'no production build yet: npm run build');
  const npm = which('npm');
  if (!npm) throw new Error('npm not found on PATH');
  const b = await spawnManaged('build', npm, ['run', 'build'], { cwd: repoRoot, output: { kind: 'file', path: logFile } });
  track(b);
  const exit = await b.exited;
  if (exit.code !== 0) throw new Error(`npm run build failed (see ${relative(repoRoot, logFile)})`);
}

/** The server's opcounters (insert, query, update, delete, getmore, command), or undefined when it does not answer serverStatus. */
async function opcounters(conn: mongoose.Connection): Promise<Record<string, number> | undefined> {
  try {
    const s = (await conn.db!.admin().command({ serverStatus: 1 })) as { opcounters?: Record<string, number> };
    return s.opcounters ? Object.fromEntries(Object.entries(s.opcounters).map(([k, v]) => [k, Number(v)])) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the stack for one run with the given Temporal server kind. Files (logs) go to `dir`.
 * Anything started before a failure is stopped again before the error is thrown.
 */
export async function startStack(opts: BenchOptions, kind: TemporalKind, dir: string, stamp: string): Promise<Stack> {
  const file = (name: string) => join(dir, name);
  const undo: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const fn of undo.reverse()) await fn().catch(() => {});
    })());
  try {
    const tsx = localBin('tsx');
    if (!tsx) throw new Error('node_modules/.bin/tsx is missing: run npm install');

    // Services: private, empty ones unless --shared-services; a PostgreSQL-backed Temporal server
    // is always a fresh one (the shared server is a dev server).
    const privateTemporal = !opts.sharedServices || kind === 'postgres';
    let mongoKind: string | undefined;
    if (!opts.sharedServices) {
      const priv = await preparePrivateServices({ mongo: file('mongo.log'), redis: file('redis.log') }, kind);
      for (const p of priv.processes) undo.push(() => p.stop());
      mongoKind = priv.mongoKind;
    } else if (kind === 'postgres') {
      const { freePortBlock, privateServerPortCount } = await import('../lib/temporal-private.js');
      process.env.TEMPORAL_ADDRESS = `127.0.0.1:${await freePortBlock(privateServerPortCount(kind), 7400, 7600)}`;
    }
    const services = await startServices({ ephemeral: privateTemporal, temporal: kind });
    undo.push(() => services.stop());
    const env = services.env;
    if (mongoKind) env.MONGO_KIND = mongoKind;
    const temporalPort = splitHostPort(env.TEMPORAL_ADDRESS, 7233).port;
    const mongoPort = Number(/:(\d+)\//.exec(env.MONGODB_URI)?.[1] ?? 27017);
    const redisPort = Number(/:(\d+)/.exec(env.REDIS_URL.replace(/^redis:\/\//, ''))?.[1] ?? 6379);

    // The bench's own connections: ground truth after the run, straight to the servers.
    const redis = new Redis(env.REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 3 });
    undo.push(async () => redis.disconnect());
    const mongo = await mongoose
      .createConnection(env.MONGODB_URI, { autoCreate: false, autoIndex: false, serverMonitoringMode: 'poll' })
      .asPromise();
    undo.push(() => mongo.close());
    const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS, connectTimeout: '10s' });
    undo.push(() => connection.close());
    const temporal = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE });

    // MongoDB operations: the server's opcounters if it has them, else counted on the wire.
    let appMongoUri = env.MONGODB_URI;
    let mongoOps: MongoOps;
    if (await opcounters(mongo)) {
      mongoOps = {
        source: `serverStatus opcounters${opts.sharedServices ? ' (a shared server: other clients count too)' : ''}`,
        read: async () => (await opcounters(mongo)) ?? {},
      };
    } else {
      const counter = await startMongoWireCounter(env.MONGODB_URI);
      undo.push(() => counter.close());
      appMongoUri = counter.uri;
      mongoOps = {
        source:
          "counted on the wire: a relay between the app/worker and the server reads each request's command name (the server has no serverStatus)",
        read: async () => Object.fromEntries(Object.entries(counter.counts()).filter(([k]) => !HOUSEKEEPING.has(k))),
      };
    }

    // Verified shoppers' mail: a Mailpit of the run's own (the shared one serves other people's
    // tests, and a run mails thousands of codes), or with --shared-services the one found.
    let mail: Stack['mail'];
    let mailPid: number | undefined;
    if (opts.shopperAuth === 'verified') {
      if (opts.sharedServices) {
        if (!env.MAILPIT_URL)
          throw new Error(
            `verified shoppers read their codes from Mailpit's API, but the mail goes to ${env.SMTP_URL} (SMTP_URL): unset it, or leave out --shared-services`,
          );
        mail = {
          smtpUrl: env.SMTP_URL,
          apiUrl: env.MAILPIT_URL,
          describe: `the shared Mailpit (SMTP ${env.SMTP_URL}, API ${env.MAILPIT_URL})`,
        };
        mailPid = pidListeningOn(Number(new URL(env.MAILPIT_URL).port));
      } else {
        const m = await startPrivateMailpit({ smtpPort: await freePort(), httpPort: await freePort(), logFile: file('mailpit.log') });
        undo.push(() => m.proc.stop());
        mail = {
          smtpUrl: m.smtpUrl,
          apiUrl: m.apiUrl,
          describe: `a Mailpit of this run's own (${m.describe}; no pruning, each mail deleted once read)`,
        };
        mailPid = m.proc.pid;
      }
      say('bench', `sign-in codes go to ${mail.describe}`);
    }

    const port = opts.port;
    const helloPort = port + 1;
    for (const p of [port, helloPort]) if (await tcpOpen('127.0.0.1', p)) throw new Error(`port ${p} is taken: pass --port=N`);
    const workerMetricsPort = await freePort();
    const taskQueue = `bench-${kind}-${stamp.slice(5).replace(/-/g, '')}`;
    const appEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      MONGODB_URI: appMongoUri,
      RATE_LIMIT_ENABLED: String(opts.rateLimit),
      RATE_LIMIT_WINDOW_SECONDS: String(RATE_WINDOW_SEC),
      RATE_LIMIT_BUY_PER_IP: String(opts.perIp),
      RATE_LIMIT_CONFIRM_PER_IP: String(opts.perIp),
      RATE_LIMIT_BUY_PER_EMAIL: String(opts.perEmail),
      RATE_LIMIT_CONFIRM_PER_EMAIL: String(opts.perEmail),
      ...shopperEnv(opts, mail?.smtpUrl),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      NEXTAUTH_URL: `http://localhost:${port}`,
      // Production mode refuses a missing or published secret: a fresh one per run (nothing else needs it).
      NEXTAUTH_SECRET: randomBytes(32).toString('base64'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      HOLD_TTL_SECONDS: String(opts.holdTtlSec),
      WORKER_METRICS_PORT: String(workerMetricsPort),
      ...(opts.workerConcurrency ? { WORKER_CONCURRENCY: String(opts.workerConcurrency) } : {}),
    };
    const shoppers = shopperSettingsOf(appEnv);
    say('bench', `starting app (production, port ${port}), worker (task queue ${taskQueue}), hello-world (port ${helloPort})`);
    const app = await spawnManaged('app', tsx, ['src/server.ts'], {
      cwd: repoRoot,
      env: appEnv,
      output: { kind: 'file', path: file('app.log') },
      stopTimeoutMs: 10_000,
    });
    undo.push(() => app.stop());
    const worker = await spawnManaged('worker', tsx, ['temporal/worker.ts'], {
      cwd: repoRoot,
      env: appEnv,
      output: { kind: 'file', path: file('worker.log') },
      stopTimeoutMs: 20_000,
    });
    undo.push(() => worker.stop());
    const hello = await spawnManaged(
      'hello',
      process.execPath,
      ['-e', `require('node:http').createServer((q, s) => s.end('hello world')).listen(${helloPort}, '127.0.0.1')`],
      { cwd: repoRoot, output: { kind: 'ignore' } },
    );
    undo.push(() => hello.stop());
    const died = (p: ManagedProcess) => p.exited.then(() => `${p.describeExit()} (see ${relative(repoRoot, p.logFile ?? dir)})`);
    const appUrl = `http://127.0.0.1:${port}`;
    const base = `${appUrl}/api/v1`;
    await waitHttp(`${base}/health`, 180_000, 'app', died(app));
    const listener = pidListeningOn(port);
    if (!listener || !isDescendant(listener, app.pid))
      throw new Error(`port ${port} is answered by another process (pid ${listener}): pass --port=N`);
    const workerMetricsUrl = `http://127.0.0.1:${workerMetricsPort}/api/metrics`;
    await waitHttp(workerMetricsUrl, 120_000, 'worker', died(worker));
    await waitHttp(`http://127.0.0.1:${helloPort}/`, 10_000, 'hello-world', died(hello));
    say('bench', green('app, worker and hello-world are up'));

    // An admin (written with npm run admin:create's code: there is no REST sign-up) and its token.
    const adminEmail = 'bench-admin@bench.local';
    const adminPassword = randomBytes(18).toString('base64url');
    const created = await runCapture(tsx, ['scripts/admin-create.ts', '--email', adminEmail], {
      cwd: repoRoot,
      env: { ...process.env, ...env, ADMIN_PASSWORD: adminPassword, NODE_ENV: 'development' },
      timeoutMs: 60_000,
    });
    if (created.code !== 0) throw new Error(`admin:create failed: ${(created.stderr || created.stdout).trim().slice(-500)}`);
    const { token } = await api<{ token: string }>(base, 'POST', '/auth/sign-in', { email: adminEmail, password: adminPassword });

    const dbs = kind === 'postgres' ? temporalDatabases(`temporal_${temporalPort}`) : undefined;
    const cpuGroups: Record<string, CpuGroup> = {
      'app (Node: REST, tRPC, Next)': app.pid,
      'worker (Temporal activities)': worker.pid,
      [kind === 'dev' ? 'Temporal dev server' : 'Temporal server (PostgreSQL)']: pidListeningOn(temporalPort),
      ...(dbs
        ? {
            [`PostgreSQL backends of ${dbs.main}`]: {
              match: (c: string) => c.startsWith('postgres:') && (c.includes(` ${dbs.main} `) || c.includes(` ${dbs.visibility} `)),
            },
          }
        : {}),
      [`MongoDB (${env.MONGO_KIND})`]: pidListeningOn(mongoPort),
      Redis: pidListeningOn(redisPort),
      ...(mailPid ? { 'Mailpit (sign-in mail)': mailPid } : {}),
    };

    const temporalVersion =
      kind === 'dev'
        ? `${await (async () => {
            const bin = which('temporal', [cacheBinDir]);
            return bin ? toolVersion(bin, ['--version']) : 'unknown';
          })()} (dev server, SQLite)`
        : `server ${TEMPORAL_SERVER.go!.version} on PostgreSQL, ${HISTORY_SHARDS} history shards`;
    const redisVersion = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? 'unknown';
    return {
      kind,
      appUrl,
      base,
      helloUrl: `http://127.0.0.1:${helloPort}/`,
      appMetricsUrl: `${appUrl}/api/metrics`,
      workerMetricsUrl,
      taskQueue,
      token,
      env,
      redis,
      mongo,
      temporal,
      mongoOps,
      cpuGroups,
      shoppers,
      mail,
      describe: {
        temporal: temporalVersion,
        redis: redisVersion,
        mongo: env.MONGO_KIND === 'jongodb' ? 'jongodb (wire-compatible in-memory stand-in; no real mongod offline here)' : env.MONGO_KIND,
        services: opts.sharedServices
          ? `shared with npm run services (Redis, MongoDB${kind === 'dev' ? ', Temporal' : ''} as found)${kind === 'postgres' ? '; a fresh PostgreSQL-backed Temporal server (databases dropped afterwards)' : ''}`
          : `private to this run: an empty Redis, ${kind === 'dev' ? 'a fresh Temporal dev server (SQLite file, deleted afterwards)' : `a fresh PostgreSQL-backed Temporal server (databases ${dbs!.main} and ${dbs!.visibility} on the machine's PostgreSQL, dropped afterwards)`}${mongoKind ? ' and an empty jongodb' : ''}`,
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
