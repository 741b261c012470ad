// The real Temporal server (go.temporal.io/server, the version inside the CLI's dev server) on the
// machine's PostgreSQL: schema set up or migrated with Temporal's own SQL tool, several history
// shards, the default namespace and our search attributes registered, and the Temporal UI server
// beside it. This is the production shape; the dev server (SQLite, one process) stays the default.
//
// PostgreSQL is reached with TEMPORAL_POSTGRES_HOST / _PORT / _USER / _PASSWORD (default
// 127.0.0.1:5432, user postgres, no password: a trust-auth local server).
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER } from './tools.js';
import { ServiceError, formatMs, say } from './log.js';
import { httpStatus, tcpOpen, waitFor } from './net.js';
import { dataDir, ensureDir, logsDir, rel } from './paths.js';
import { runCapture, spawnManaged, type ManagedProcess } from './proc.js';
import type { ServiceContext, ServiceHandle } from './types.js';
import { TEMPORAL_DYNAMIC_CONFIG, ensureTemporalTool, waitUntilServing } from './temporal-server.js';

/** History shards: fixed for the life of a cluster (changing it means a new database). */
export const HISTORY_SHARDS = 4;

const PostgresEnv = z
  .object({
    TEMPORAL_POSTGRES_HOST: z.string().trim().min(1).default('127.0.0.1'),
    TEMPORAL_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
    TEMPORAL_POSTGRES_USER: z.string().trim().min(1).default('postgres'),
    TEMPORAL_POSTGRES_PASSWORD: z.string().default(''),
  })
  .strip();

export interface PostgresSettings {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** PostgreSQL connection settings from the environment; a bad value names its variable. */
export function postgresSettings(env: NodeJS.ProcessEnv = process.env): PostgresSettings {
  const r = PostgresEnv.safeParse(env);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new ServiceError('temporal', `${String(issue.path[0])}: ${issue.message}`);
  }
  const e = r.data;
  return {
    host: e.TEMPORAL_POSTGRES_HOST,
    port: e.TEMPORAL_POSTGRES_PORT,
    user: e.TEMPORAL_POSTGRES_USER,
    password: e.TEMPORAL_POSTGRES_PASSWORD,
  };
}

/** The two databases of one Temporal cluster. */
export interface TemporalDatabases {
  main: string;
  visibility: string;
}

const DB_NAME = /^[a-z_][a-z0-9_]{0,40}$/;

/** `temporal` -> temporal + temporal_visibility (the names Temporal's own setups use). */
export function temporalDatabases(base: string): TemporalDatabases {
  if (!DB_NAME.test(base)) throw new ServiceError('temporal', `database name must match ${DB_NAME}: ${JSON.stringify(base)}`);
  return { main: base, visibility: `${base}_visibility` };
}

/**
 * Ports of one server, all on loopback: the frontend (what clients dial) is `port`, the other
 * services and their membership ports follow it, then the Prometheus endpoint.
 */
export function postgresServerPorts(port: number) {
  return {
    frontend: port,
    frontendMembership: port + 1,
    frontendHttp: port + 2,
    history: port + 3,
    historyMembership: port + 4,
    matching: port + 5,
    matchingMembership: port + 6,
    worker: port + 7,
    workerMembership: port + 8,
    metrics: port + 9,
  };
}
export type PostgresServerPorts = ReturnType<typeof postgresServerPorts>;

/** The ports of the block that something already listens on. */
export async function takenPorts(ports: PostgresServerPorts): Promise<number[]> {
  const all = Object.values(ports);
  const open = await Promise.all(all.map((p) => tcpOpen('127.0.0.1', p, 300)));
  return all.filter((_, i) => open[i]);
}

function sqlArgs(pg: PostgresSettings, db: string, command: string[]): string[] {
  const args = ['--plugin', 'postgres12', '--ep', pg.host, '--port', String(pg.port), '--user', pg.user, '--db', db];
  if (pg.password) args.push('--password', pg.password);
  return [...args, ...command];
}

async function runSqlTool(sql: string, pg: PostgresSettings, db: string, command: string[]): Promise<void> {
  const r = await runCapture(sql, sqlArgs(pg, db, command), { timeoutMs: 120_000 });
  if (r.code !== 0) {
    const out = `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new ServiceError('temporal', `${TEMPORAL_SQL_TOOL.name} ${command.join(' ')} on database ${db} failed (exit ${r.code})`, out);
  }
}

async function requirePostgres(pg: PostgresSettings): Promise<void> {
  if (await tcpOpen(pg.host, pg.port, 2000)) return;
  throw new ServiceError(
    'temporal',
    `PostgreSQL does not answer on ${pg.host}:${pg.port}. Start it (Debian: pg_ctlcluster 15 main start) ` +
      `or point TEMPORAL_POSTGRES_HOST / TEMPORAL_POSTGRES_PORT / TEMPORAL_POSTGRES_USER at one`,
  );
}

/**
 * Creates both databases if missing and brings their schemas to the server's version (the SQL
 * tool's embedded schemas; every step is a no-op when already done).
 */
export async function setUpDatabases(dbs: TemporalDatabases, pg: PostgresSettings = postgresSettings()): Promise<void> {
  await requirePostgres(pg);
  const sql = await ensureTemporalTool(TEMPORAL_SQL_TOOL);
  for (const [db, schema] of [
    [dbs.main, 'postgresql/v12/temporal'],
    [dbs.visibility, 'postgresql/v12/visibility'],
  ] as const) {
    await runSqlTool(sql, pg, db, ['create-database']);
    await runSqlTool(sql, pg, db, ['setup-schema', '--version', '0.0']);
    await runSqlTool(sql, pg, db, ['update-schema', '--schema-name', schema]);
  }
}

/** Drops both databases (missing ones are fine). */
export async function dropDatabases(dbs: TemporalDatabases, pg: PostgresSettings = postgresSettings()): Promise<void> {
  await requirePostgres(pg);
  const sql = await ensureTemporalTool(TEMPORAL_SQL_TOOL);
  for (const db of [dbs.main, dbs.visibility]) await runSqlTool(sql, pg, db, ['drop-database', '--force']);
}

// JSON is YAML: the config files are written as JSON under a comment line.
const yamlFile = (path: string, header: string, value: unknown) => writeFileSync(path, `# ${header}\n${JSON.stringify(value, null, 2)}\n`);

export interface ServerConfigOptions {
  dir: string;
  ports: PostgresServerPorts;
  dbs: TemporalDatabases;
  pg: PostgresSettings;
  /** Connection pool per store; the defaults are the official image's. */
  pool?: { maxConns: number; maxIdleConns: number; visibilityMaxConns: number; visibilityMaxIdleConns: number };
}

const CONFIG_ENV = 'flash-sale';

/** Writes `<dir>/config/flash-sale.yaml` and `<dir>/dynamicconfig.yaml`; returns the config root. */
export function writeServerConfig(o: ServerConfigOptions): string {
  const dir = ensureDir(o.dir);
  const configDir = ensureDir(join(dir, 'config'));
  const dynamicFile = join(dir, 'dynamicconfig.yaml');
  const pool = o.pool ?? { maxConns: 20, maxIdleConns: 20, visibilityMaxConns: 10, visibilityMaxIdleConns: 10 };
  const p = o.ports;
  const store = (databaseName: string, maxConns: number, maxIdleConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `${o.pg.host}:${o.pg.port}`,
      connectProtocol: 'tcp',
      user: o.pg.user,
      password: o.pg.password,
      maxConns,
      maxIdleConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, number> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  yamlFile(join(configDir, `${CONFIG_ENV}.yaml`), 'Written by scripts/lib/temporal-postgres.ts on every start; edits are lost.', {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: HISTORY_SHARDS,
      datastores: {
        default: store(o.dbs.main, pool.maxConns, pool.maxIdleConns),
        visibility: store(o.dbs.visibility, pool.visibilityMaxConns, pool.visibilityMaxIdleConns),
      },
    },
    global: {
      membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' },
      metrics: { prometheus: { framework: 'tally', timerType: 'histogram', listenAddress: `127.0.0.1:${p.metrics}` } },
    },
    services: {
      frontend: rpc(p.frontend, p.frontendMembership, { httpPort: p.frontendHttp }),
      history: rpc(p.history, p.historyMembership),
      matching: rpc(p.matching, p.matchingMembership),
      worker: rpc(p.worker, p.workerMembership),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${p.frontend}` },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicFile, pollInterval: '10s' },
  });
  // The same limits as the dev server's --dynamic-config-value flags (one list, in temporal.ts).
  yamlFile(
    dynamicFile,
    'Written from TEMPORAL_DYNAMIC_CONFIG (scripts/lib/temporal.ts) on every start.',
    Object.fromEntries(Object.entries(TEMPORAL_DYNAMIC_CONFIG).map(([k, v]) => [k, [{ value: dynamicValue(v) }]])),
  );
  return dir;
}

const dynamicValue = (v: string): string | number | boolean =>
  v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v;

/** Starts the server process on a config root written by writeServerConfig. */
export async function launchServer(root: string, logFile: string): Promise<ManagedProcess> {
  const bin = await ensureTemporalTool(TEMPORAL_SERVER);
  // No authorizer: the server listens on loopback only, like the dev server.
  const args = ['--root', root, '--config', 'config', '--env', CONFIG_ENV, '--allow-no-auth', 'start'];
  return spawnManaged('temporal', bin, args, { cwd: root, output: { kind: 'file', path: logFile }, stopTimeoutMs: 20_000 });
}

export interface UiOptions {
  dir: string;
  address: string;
  uiPort: number;
  namespace: string;
  logFile: string;
}

/** Starts the Temporal UI server (the one the CLI embeds) against `address`; resolves once it answers. */
export async function launchUi(o: UiOptions): Promise<ManagedProcess> {
  const bin = await ensureTemporalTool(TEMPORAL_UI_SERVER);
  const configDir = ensureDir(join(o.dir, 'ui', 'config'));
  yamlFile(join(configDir, 'development.yaml'), 'Written by scripts/lib/temporal-postgres.ts on every start; edits are lost.', {
    temporalGrpcAddress: o.address,
    host: '127.0.0.1',
    port: o.uiPort,
    enableUi: true,
    defaultNamespace: o.namespace,
    notifyOnNewVersion: false,
    hideLogs: true,
    // Plain HTTP on loopback, as the dev server's UI.
    cors: { cookieInsecure: true, allowOrigins: [], unsafeAllowAllOrigins: false },
  });
  const proc = await spawnManaged(
    'temporal-ui',
    bin,
    ['--root', join(o.dir, 'ui'), '--config', 'config', '--env', 'development', 'start'],
    {
      cwd: o.dir,
      output: { kind: 'file', path: o.logFile },
      stopTimeoutMs: 5000,
    },
  );
  const ready = await waitFor(async () => (await httpStatus(`http://127.0.0.1:${o.uiPort}/`)) === 200, {
    timeoutMs: 30_000,
    intervalMs: 300,
    abort: () => (proc.running ? undefined : `temporal-ui ${proc.describeExit()}`),
  });
  if (!ready.ok) {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError('temporal', `the UI server did not answer on ${o.uiPort}: ${ready.reason}`, tail);
  }
  return proc;
}

/** Where one cluster's generated config lives (keyed by its database, which is its identity). */
export const serverDir = (dbs: TemporalDatabases) => join(dataDir, 'temporal-postgres', dbs.main);

export function removeServerDir(dbs: TemporalDatabases): void {
  rmSync(serverDir(dbs), { recursive: true, force: true });
}

export interface PostgresServer {
  proc: ManagedProcess;
  ui?: ManagedProcess;
  address: string;
  metricsUrl: string;
  uiUrl?: string;
}

/**
 * Sets up the databases, writes the config, starts the server (and the UI if `uiPort` is given)
 * and waits until the namespace and search attributes are usable. Prints what it does.
 */
export async function startPostgresServer(o: {
  port: number;
  uiPort?: number;
  dbs: TemporalDatabases;
  namespace: string;
  logFile: string;
  uiLogFile?: string;
  pool?: ServerConfigOptions['pool'];
  timeoutMs?: number;
  quiet?: boolean;
}): Promise<PostgresServer> {
  const log = (msg: string) => !o.quiet && say('temporal', msg);
  const pg = postgresSettings();
  const ports = postgresServerPorts(o.port);
  const taken = await takenPorts(ports);
  if (taken.length)
    throw new ServiceError(
      'temporal',
      `cannot start the server on ${o.port}: port(s) ${taken.join(', ')} already taken (it uses ${o.port}-${ports.metrics})`,
    );
  const address = `127.0.0.1:${o.port}`;
  const t0 = Date.now();
  await setUpDatabases(o.dbs, pg);
  log(
    `databases ${o.dbs.main} and ${o.dbs.visibility} on ${pg.user}@${pg.host}:${pg.port} ready (created or migrated to ${TEMPORAL_SERVER.go!.version}) in ${formatMs(Date.now() - t0)}`,
  );
  const dir = writeServerConfig({ dir: serverDir(o.dbs), ports, dbs: o.dbs, pg, pool: o.pool });
  log(
    `starting ${TEMPORAL_SERVER.go!.pkg}@${TEMPORAL_SERVER.go!.version} on ${address}, ${HISTORY_SHARDS} history shards (ports ${o.port}-${ports.metrics}; config ${rel(dir)}; log ${rel(o.logFile)})`,
  );
  const started = Date.now();
  const proc = await launchServer(dir, o.logFile);
  try {
    await waitUntilServing(proc, address, o.namespace, o.timeoutMs ?? 120_000);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  log(
    `server ready in ${formatMs(Date.now() - started)} (pid ${proc.pid}; namespace ${o.namespace}; metrics http://127.0.0.1:${ports.metrics}/metrics)`,
  );
  let ui: ManagedProcess | undefined;
  if (o.uiPort !== undefined) {
    try {
      ui = await launchUi({ dir, address, uiPort: o.uiPort, namespace: o.namespace, logFile: o.uiLogFile ?? o.logFile });
    } catch (e) {
      await proc.stop();
      throw e;
    }
    log(`UI ${TEMPORAL_UI_SERVER.go!.version} at http://localhost:${o.uiPort} (pid ${ui.pid})`);
  }
  return {
    proc,
    ui,
    address,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    uiUrl: o.uiPort !== undefined ? `http://localhost:${o.uiPort}` : undefined,
  };
}

/**
 * `npm run services -- --temporal=postgres`: the databases `temporal` and `temporal_visibility`
 * (TEMPORAL_POSTGRES_DATABASE renames them) with the UI; for tests and benchmarks
 * (ctx.ephemeral), fresh databases named after the port, no UI, dropped on stop.
 */
export async function startPostgresService(
  ctx: ServiceContext,
  o: { port: number; uiPort: number; namespace: string },
): Promise<ServiceHandle> {
  const base = ctx.ephemeral ? `temporal_${o.port}` : process.env.TEMPORAL_POSTGRES_DATABASE?.trim() || 'temporal';
  const dbs = temporalDatabases(base);
  if (ctx.ephemeral) await dropDatabases(dbs);
  const logFile = join(ensureDir(logsDir), 'temporal.log');
  const server = await startPostgresServer({
    port: o.port,
    uiPort: ctx.ephemeral ? undefined : o.uiPort,
    dbs,
    namespace: o.namespace,
    logFile,
    uiLogFile: join(logsDir, 'temporal-ui.log'),
    timeoutMs: ctx.timeoutMs,
  });
  const uiUrl = server.uiUrl ?? `http://localhost:${o.uiPort}`;
  return {
    name: 'temporal',
    status: 'started',
    address: server.address,
    note: `postgres ${dbs.main}, ${HISTORY_SHARDS} shards${server.uiUrl ? `; UI ${server.uiUrl}` : '; no UI'}${ctx.ephemeral ? ', throwaway data' : ''}`,
    env: { TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: o.namespace, TEMPORAL_UI_URL: uiUrl },
    proc: server.proc,
    logFile,
    stop: async () => {
      await server.ui?.stop();
      await server.proc.stop();
      if (ctx.ephemeral) {
        await dropDatabases(dbs).catch(() => {});
        removeServerDir(dbs);
      }
    },
  };
}
