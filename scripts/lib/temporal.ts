// Temporal: reuse TEMPORAL_ADDRESS (default 127.0.0.1:7233) if it answers, else start
// `temporal server start-dev` from the CLI binary cached in ~/.cache/flash-sale/bin
// (building it with `go install` the first time), or with --temporal=postgres the real server
// on PostgreSQL (temporal-postgres.ts).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError, formatMs, say, warn } from './log.js';
import { httpStatus, isLoopback, splitHostPort, tcpOpen, waitFor } from './net.js';
import { startPostgresService } from './temporal-postgres.js';
import { dataDir, ensureDir, logsDir, rel, repoRoot } from './paths.js';
import { spawnManaged } from './proc.js';
import { ensureSearchAttributes, ensureTemporalCli, temporalPersistence, temporalProblem, temporalServerArgs } from './temporal-server.js';
import type { ServiceContext, ServiceHandle } from './types.js';

export async function startTemporal(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'temporal';
  const kind = ctx.temporal ?? 'dev';
  const namespace = process.env.TEMPORAL_NAMESPACE?.trim() || 'default';
  const envAddress = process.env.TEMPORAL_ADDRESS?.trim();
  let address = envAddress || '127.0.0.1:7233';
  let { host, port } = splitHostPort(address, 7233);

  if (await tcpOpen(host, port)) {
    // Something listens: it may be a Temporal server still booting (e.g. another run), so give it a moment.
    say(name, `${address} accepts connections; checking namespace "${namespace}"...`);
    let last: string | undefined;
    const ok = await waitFor(async () => !(last = await temporalProblem(address, namespace)), { timeoutMs: 15_000, intervalMs: 500 });
    if (!ok.ok) {
      throw new ServiceError(
        name,
        `${address} is taken by something that is not a usable Temporal server (namespace "${namespace}": ${last ?? ok.reason}). ` +
          `Free the port or set TEMPORAL_ADDRESS to a Temporal server.`,
      );
    }
    const store = await temporalPersistence(address);
    if (kind === 'postgres' && store && !store.startsWith('postgres')) {
      throw new ServiceError(
        name,
        `${address} is a Temporal server on ${store}, not PostgreSQL. Stop it, or set TEMPORAL_ADDRESS to a free port ` +
          `(e.g. TEMPORAL_ADDRESS=127.0.0.1:7243) to start a PostgreSQL-backed server beside it.`,
      );
    }
    const added = await ensureSearchAttributes(address, namespace).catch((e: unknown) => {
      throw new ServiceError(name, `cannot register search attributes on ${address}: ${e instanceof Error ? e.message : String(e)}`);
    });
    const uiUrl = defaultUiUrl(port);
    const uiUp = isLoopback(host) && (await httpStatus(uiUrl)) > 0;
    say(
      name,
      `reusing ${address} (${store ?? 'unknown store'}; namespace ${namespace}; search attributes ${added.length ? `added ${added.join(', ')}` : 'present'}` +
        `${uiUp ? `; UI ${uiUrl}` : ''})`,
    );
    return {
      name,
      status: 'reused',
      address,
      note: `${store ?? '?'}; ${uiUp ? `UI ${uiUrl}` : 'UI not found'}`,
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: uiUrl },
      stop: async () => {},
    };
  }

  if (envAddress && !isLoopback(host)) {
    warn(
      name,
      `TEMPORAL_ADDRESS=${envAddress} does not answer; starting a local ${kind === 'dev' ? 'dev server' : 'server'} on 127.0.0.1:7233 instead`,
    );
    host = '127.0.0.1';
    port = 7233;
  }
  host = '127.0.0.1';
  address = `${host}:${port}`;
  const uiPort = port === 7233 ? 8233 : Math.min(port + 1000, 65535);
  if (await tcpOpen('127.0.0.1', uiPort)) {
    throw new ServiceError(
      name,
      `cannot start a ${kind === 'dev' ? 'dev server' : 'server'}: the UI port ${uiPort} is already taken by another program`,
    );
  }
  if (kind === 'postgres') return startPostgresService(ctx, { port, uiPort, namespace });

  const bin = await ensureTemporalCli();
  // Tests get a fresh file per run (in-memory SQLite measured slower than a WAL file).
  const dbFile = join(ensureDir(join(dataDir, 'temporal')), ctx.ephemeral ? `ephemeral-${process.pid}.db` : 'temporal.db');
  const logFile = join(ensureDir(logsDir), 'temporal.log');
  const args = temporalServerArgs({ port, uiPort, dbFile: dbFile && rel(dbFile) });
  say(name, `starting dev server on ${address}, UI on :${uiPort} (data in ${rel(dbFile)}, log ${rel(logFile)})`);
  say(name, `  ${bin} ${args.join(' ')}`);
  const started = Date.now();
  const proc = await spawnManaged(name, bin, args, {
    cwd: repoRoot,
    output: { kind: 'file', path: logFile },
    stopTimeoutMs: 15_000,
  });
  const uiUrl = `http://localhost:${uiPort}`;
  let last: string | undefined;
  const ready = await waitFor(
    async () => {
      if (!(await tcpOpen(host, port))) return ((last = `gRPC port ${port} not open yet`), false);
      if ((last = await temporalProblem(address, namespace))) return false;
      if ((await httpStatus(`http://127.0.0.1:${uiPort}/`)) !== 200) return ((last = `UI on ${uiPort} not answering yet`), false);
      return true;
    },
    {
      timeoutMs: ctx.timeoutMs ?? 120_000,
      intervalMs: 300,
      abort: () => (proc.running ? undefined : `temporal ${proc.describeExit()}`),
    },
  );
  if (!ready.ok) {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError(name, `dev server did not become ready: ${ready.reason}${last ? ` (last check: ${last})` : ''}`, tail);
  }
  await ensureSearchAttributes(address, namespace);
  say(name, `ready at ${address} in ${formatMs(Date.now() - started)} (pid ${proc.pid}; UI ${uiUrl})`);
  return {
    name,
    status: 'started',
    address,
    note: `UI ${uiUrl}${ctx.ephemeral ? ', throwaway data' : ''}`,
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: uiUrl },
    proc,
    logFile,
    stop: async () => {
      await proc.stop();
      if (ctx.ephemeral) for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true });
    },
  };
}

function defaultUiUrl(grpcPort: number): string {
  return `http://localhost:${grpcPort === 7233 ? 8233 : grpcPort + 1000}`;
}
