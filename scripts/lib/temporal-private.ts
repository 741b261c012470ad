// A private Temporal server for chaos tests: either kind, on the ports it is given, with data of
// its own (dev: its SQLite file; postgres: its own two databases, never the shared ones), which a
// test can SIGKILL and restart on the same data.
//
//   const t = await startPrivateTemporal({ kind: 'postgres', port: 7700 });
//   ... point a worker and a client at t.address ...
//   await t.kill();                 // SIGKILL, as a crash
//   await t.restart();              // same data, resolves once it serves the namespace again
//   await t.destroy();              // stop and delete its data
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { ServiceError } from './log.js';
import { tcpOpen } from './net.js';
import { dataDir, ensureDir, logsDir, repoRoot } from './paths.js';
import { spawnManaged, type ManagedProcess } from './proc.js';
import { ensureTemporalCli, temporalServerArgs, waitUntilServing } from './temporal-server.js';
import {
  dropDatabases,
  launchServer,
  launchUi,
  postgresServerPorts,
  removeServerDir,
  serverDir,
  setUpDatabases,
  takenPorts,
  temporalDatabases,
  writeServerConfig,
  postgresSettings,
  type ServerConfigOptions,
} from './temporal-postgres.js';
import type { TemporalKind } from './types.js';

export interface PrivateTemporalOptions {
  kind: TemporalKind;
  /** Frontend gRPC port. A postgres server also takes the next nine (see postgresServerPorts). */
  port: number;
  /** Serve the Temporal UI on this port too (default: none). */
  uiPort?: number;
  /**
   * Names the data: the SQLite file .data/temporal/private-<name>.db, or the databases <name> and
   * <name>_visibility. Default temporal_private_<port>. Existing data of that name is deleted first.
   */
  name?: string;
  namespace?: string;
  /** How long a start or restart may take before it fails (default 120 s). */
  timeoutMs?: number;
  /** PostgreSQL connection pool per store (postgres kind; default: the official image's). */
  pool?: ServerConfigOptions['pool'];
}

export interface PrivateTemporal {
  readonly kind: TemporalKind;
  /** host:port for clients and workers. */
  readonly address: string;
  readonly namespace: string;
  /** The server process now (undefined after kill() until restart()). */
  readonly process: ManagedProcess | undefined;
  /** SIGKILLs the server process (no shutdown, as a crash) and waits until it is gone. */
  kill(): Promise<void>;
  /** Starts the server again on the same data; resolves with its address once it serves the namespace. */
  restart(): Promise<string>;
  /** Stops the server (and UI) and deletes its data. */
  destroy(): Promise<void>;
}

/** How many consecutive ports a private server of that kind takes from its `port` (UI not counted). */
export const privateServerPortCount = (kind: TemporalKind) => (kind === 'postgres' ? Object.keys(postgresServerPorts(0)).length : 1);

/** The first port in [from, to) from which `count` consecutive ports are free on loopback. */
export async function freePortBlock(count: number, from = 7700, to = 8000): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
  for (let p = from; p + count <= to; p++) {
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await free(p + i);
    if (ok) return p;
  }
  throw new Error(`no ${count} consecutive free ports in ${from}-${to}`);
}

export async function startPrivateTemporal(o: PrivateTemporalOptions): Promise<PrivateTemporal> {
  const name = o.name ?? `temporal_private_${o.port}`;
  const namespace = o.namespace ?? 'default';
  const address = `127.0.0.1:${o.port}`;
  const timeoutMs = o.timeoutMs ?? 120_000;
  const logFile = join(ensureDir(logsDir), `temporal-private-${name}.log`);
  const busy =
    o.kind === 'postgres' ? await takenPorts(postgresServerPorts(o.port)) : (await tcpOpen('127.0.0.1', o.port, 300)) ? [o.port] : [];
  if (o.uiPort !== undefined && (await tcpOpen('127.0.0.1', o.uiPort, 300))) busy.push(o.uiPort);
  if (busy.length) throw new ServiceError('temporal', `private ${o.kind} server on ${o.port}: port(s) ${busy.join(', ')} already taken`);

  let launch: () => Promise<ManagedProcess>;
  let removeData: () => Promise<void>;
  let ui: ManagedProcess | undefined;

  if (o.kind === 'dev') {
    const cli = await ensureTemporalCli();
    const dbFile = join(ensureDir(join(dataDir, 'temporal')), `private-${name}.db`);
    const files = [dbFile, `${dbFile}-wal`, `${dbFile}-shm`];
    removeData = async () => files.forEach((f) => rmSync(f, { force: true }));
    await removeData();
    const args = temporalServerArgs({ port: o.port, uiPort: o.uiPort, dbFile });
    launch = () => spawnManaged('temporal', cli, args, { cwd: repoRoot, output: { kind: 'file', path: logFile }, stopTimeoutMs: 15_000 });
  } else {
    const dbs = temporalDatabases(name);
    const pg = postgresSettings();
    removeData = async () => {
      await dropDatabases(dbs, pg);
      removeServerDir(dbs);
    };
    await removeData();
    await setUpDatabases(dbs, pg);
    const dir = writeServerConfig({ dir: serverDir(dbs), ports: postgresServerPorts(o.port), dbs, pg, pool: o.pool });
    launch = () => launchServer(dir, logFile);
  }

  const serve = async (): Promise<ManagedProcess> => {
    const proc = await launch();
    try {
      await waitUntilServing(proc, address, namespace, timeoutMs);
    } catch (e) {
      await proc.stop();
      throw e;
    }
    return proc;
  };

  let proc: ManagedProcess | undefined = await serve();
  if (o.kind === 'postgres' && o.uiPort !== undefined) {
    try {
      ui = await launchUi({ dir: serverDir(temporalDatabases(name)), address, uiPort: o.uiPort, namespace, logFile });
    } catch (e) {
      await proc.stop();
      throw e;
    }
  }

  return {
    kind: o.kind,
    address,
    namespace,
    get process() {
      return proc;
    },
    async kill() {
      const p = proc;
      if (!p) return;
      proc = undefined;
      // Only the server process, not its group: a crash takes nothing else with it.
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      await p.exited;
    },
    async restart() {
      if (proc) throw new Error(`the private ${o.kind} server on ${address} is still running (pid ${proc.pid}): kill() it first`);
      proc = await serve();
      return address;
    },
    async destroy() {
      await ui?.stop();
      await proc?.stop();
      proc = undefined;
      await removeData();
    },
  };
}
