// Local backing services for the flash-sale app: Redis, Temporal, MongoDB, mail (Mailpit).
//
// As a module:  const { env, stop } = await startServices();
// As a CLI:     npm run services   (starts what is missing, prints a table, Ctrl-C stops what it started)
//               npm run services -- --temporal=postgres   (the real Temporal server on PostgreSQL
//               instead of the dev server, when nothing answers at TEMPORAL_ADDRESS)
//
// Reuses whatever already answers; starts only what is missing, on loopback, with data
// under .data/ and logs under .data/logs/.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ServiceError, bold, describeError, dim, fail, formatMs, green, say, table } from './lib/log.js';
import { startMailpit } from './lib/mailpit.js';
import { startMongo } from './lib/mongo.js';
import { ensureDir, logsDir, rel } from './lib/paths.js';
import { liveProcesses, onShutdownSignal } from './lib/proc.js';
import { startRedis } from './lib/redis.js';
import { startTemporal } from './lib/temporal.js';
import { takeTemporalOption } from './lib/temporal-server.js';
import type { ServiceContext, ServiceHandle } from './lib/types.js';

export type { ServiceHandle } from './lib/types.js';

export type StartServicesOptions = ServiceContext;

export interface ServicesEnv extends Record<string, string> {
  REDIS_URL: string;
  MONGODB_URI: string;
  MONGO_KIND: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_NAMESPACE: string;
  TEMPORAL_UI_URL: string;
  /** Where the sign-in codes are sent (Mailpit's SMTP unless SMTP_URL is set); MAILPIT_URL is its API when it is Mailpit. */
  SMTP_URL: string;
}

export interface RunningServices {
  env: ServicesEnv;
  /** Stops what this call started (reused services are left alone). Idempotent. */
  stop: () => Promise<void>;
  services: ServiceHandle[];
  /** Resolves if a service we started dies on its own (not via stop()). */
  died: Promise<ServiceError>;
}

export async function startServices(opts: StartServicesOptions = {}): Promise<RunningServices> {
  ensureDir(logsDir);
  const t0 = Date.now();
  const results = await Promise.allSettled([startRedis(opts), startTemporal(opts), startMongo(opts), startMailpit(opts)]);
  const handles = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (errors.length) {
    await stopHandles(handles, true);
    throw errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(describeError).join('\n'));
  }

  const merged: Record<string, string> = Object.assign({}, ...handles.map((h) => h.env)) as Record<string, string>;
  const env: ServicesEnv = {
    REDIS_URL: merged.REDIS_URL!,
    MONGODB_URI: merged.MONGODB_URI!,
    MONGO_KIND: merged.MONGO_KIND!,
    TEMPORAL_ADDRESS: merged.TEMPORAL_ADDRESS!,
    TEMPORAL_NAMESPACE: merged.TEMPORAL_NAMESPACE ?? 'default',
    TEMPORAL_UI_URL: merged.TEMPORAL_UI_URL ?? 'http://localhost:8233',
    SMTP_URL: merged.SMTP_URL!,
    ...(merged.MAILPIT_URL ? { MAILPIT_URL: merged.MAILPIT_URL } : {}),
  };

  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopHandles(handles, false));

  const died = new Promise<ServiceError>((resolve) => {
    for (const h of handles) {
      const p = h.proc;
      if (!p) continue;
      void p.exited.then(() => {
        if (!p.stopping) resolve(new ServiceError(h.name, `stopped unexpectedly (${p.describeExit()})`, p.logTail()));
      });
    }
  });

  const started = handles.filter((h) => h.status === 'started').map((h) => h.name);
  say('services', `ready in ${formatMs(Date.now() - t0)}${started.length ? ` (started: ${started.join(', ')})` : ' (all reused)'}`);
  return { env, stop, services: handles, died };
}

async function stopHandles(handles: ServiceHandle[], quiet: boolean): Promise<void> {
  await Promise.all(
    handles
      .filter((h) => h.status === 'started')
      .map(async (h) => {
        if (!quiet) say(h.name, `stopping${h.proc ? ` (pid ${h.proc.pid})` : ''}...`);
        const t = Date.now();
        await h.stop();
        if (!quiet) say(h.name, `stopped in ${formatMs(Date.now() - t)}`);
      }),
  );
}

export function servicesTable(services: ServiceHandle[]): string {
  const rows = [['service', 'status', 'address', 'details', 'pid', 'log']];
  for (const s of services) {
    rows.push([
      s.name,
      s.status === 'started' ? green('started') : 'reused',
      s.address,
      s.note ?? '',
      s.proc ? String(s.proc.pid) : '-',
      s.logFile ? rel(s.logFile) : '-',
    ]);
  }
  return table(rows);
}

export function envBlock(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `  export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

function isMain(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  let running: RunningServices | undefined;
  onShutdownSignal(async () => {
    if (running) await running.stop();
    else await Promise.all(liveProcesses().map((p) => p.stop()));
    return 0;
  });
  try {
    const { kind, rest } = takeTemporalOption(process.argv.slice(2));
    if (rest.length) throw new Error(`unknown argument(s): ${rest.join(' ')} (only --temporal=dev|postgres)`);
    running = await startServices({ temporal: kind });
  } catch (err) {
    fail('services', describeError(err));
    process.exit(1);
  }
  console.log('');
  console.log(servicesTable(running.services));
  console.log('');
  console.log(dim('env for another shell:'));
  console.log(envBlock(running.env));
  console.log('');
  const started = running.services.some((s) => s.status === 'started');
  say(
    'services',
    bold(
      started
        ? 'running; press Ctrl-C to stop what was started here'
        : 'everything was already running; press Ctrl-C to exit (nothing to stop)',
    ),
  );
  const keepAlive = setInterval(() => {}, 1 << 30); // stay in the foreground even if nothing was started
  const err = await running.died;
  clearInterval(keepAlive);
  fail('services', err.describe());
  await running.stop();
  process.exit(1);
}

if (isMain()) {
  main().catch((err) => {
    fail('services', describeError(err));
    process.exit(1);
  });
}
