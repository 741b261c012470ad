// Temporal: reuse TEMPORAL_ADDRESS (default 127.0.0.1:7233) if it answers, else start
// `temporal server start-dev` from the CLI binary cached in ~/.cache/flash-sale/bin
// (building it with `go install` the first time).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError, formatMs, say, warn } from './log.js';
import { httpStatus, isLoopback, sleep, splitHostPort, tcpOpen, waitFor } from './net.js';
import { dataDir, ensureDir, logsDir, rel, repoRoot } from './paths.js';
import { spawnManaged } from './proc.js';
import { ensureTool, ToolMissingError } from './provision.js';
import { TEMPORAL_CLI } from './tools.js';
import type { ServiceContext, ServiceHandle } from './types.js';

/** Custom search attributes the workflows use (all Keyword). */
export const SEARCH_ATTRIBUTES = ['SaleId', 'BuyerEmail', 'HoldState'] as const;
/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

/**
 * Dynamic config for the dev server. Keys checked against go.temporal.io/server v1.29.1
 * (the server inside CLI v1.5.1): common/dynamicconfig/constants.go.
 */
export const TEMPORAL_DYNAMIC_CONFIG: Record<string, string> = {
  'frontend.enableServerVersionCheck': 'false', // no phoning home
  'frontend.rps': '10000', // default 2400 per frontend instance
  'frontend.namespaceRPS': '10000', // default 2400 per namespace
  'frontend.namespaceRPS.visibility': '1000', // dev server sets 100 (list/count workflows)
  'history.rps': '10000', // default 3000
  'matching.rps': '10000', // default 1200
};

export function temporalServerArgs(o: { port: number; uiPort: number; dbFile?: string }): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port), '--ui-port', String(o.uiPort)];
  // WAL + synchronous=NORMAL: measured here about 2x the workflow starts per second of the
  // default (and of in-memory SQLite); still durable across a process crash.
  if (o.dbFile) args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  for (const [k, v] of Object.entries(TEMPORAL_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${k}=${v}`);
  for (const sa of SEARCH_ATTRIBUTES) args.push('--search-attribute', `${sa}=Keyword`);
  args.push('--log-level', 'warn');
  return args;
}

type TemporalClientModule = typeof import('@temporalio/client');
let clientModule: Promise<TemporalClientModule> | undefined;
const loadClient = () => (clientModule ??= import('@temporalio/client'));

/** Is the namespace usable on that server? Resolves to an error text, or undefined if healthy. */
export async function temporalProblem(address: string, namespace: string, timeoutMs = 3000): Promise<string | undefined> {
  const { Connection } = await loadClient();
  let conn: Awaited<ReturnType<TemporalClientModule['Connection']['connect']>> | undefined;
  const work = (async () => {
    conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    await conn.withDeadline(Date.now() + timeoutMs, () => conn!.workflowService.describeNamespace({ namespace }));
    return undefined;
  })().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
  const result = await Promise.race([work, sleep(timeoutMs + 1000).then(() => `no answer within ${timeoutMs}ms`)]);
  work.finally(() => conn?.close().catch(() => {})).catch(() => {});
  return result;
}

/** Adds missing custom search attributes (existing ones are left alone). Returns the names added. */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const { Connection } = await loadClient();
  const conn = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    const list = await conn.withDeadline(Date.now() + 10_000, () => conn.operatorService.listSearchAttributes({ namespace }));
    const existing = new Set(Object.keys(list.customAttributes ?? {}));
    const missing = SEARCH_ATTRIBUTES.filter((sa) => !existing.has(sa));
    if (missing.length) {
      const searchAttributes = Object.fromEntries(missing.map((sa) => [sa, INDEXED_VALUE_TYPE_KEYWORD]));
      try {
        await conn.withDeadline(Date.now() + 10_000, () =>
          conn.operatorService.addSearchAttributes({ namespace, searchAttributes }),
        );
      } catch (e) {
        if (!/already exists/i.test(e instanceof Error ? e.message : String(e))) throw e;
      }
    }
    return missing;
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Path of the Temporal CLI, building it with `go install` if it is not cached yet. */
export async function ensureTemporalCli(): Promise<string> {
  try {
    return await ensureTool(TEMPORAL_CLI);
  } catch (err) {
    if (err instanceof ToolMissingError) throw new ServiceError('temporal', err.message, err.logTail);
    throw err;
  }
}

export async function startTemporal(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'temporal';
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
    const added = await ensureSearchAttributes(address, namespace).catch((e: unknown) => {
      throw new ServiceError(name, `cannot register search attributes on ${address}: ${e instanceof Error ? e.message : e}`);
    });
    const uiUrl = defaultUiUrl(port);
    const uiUp = isLoopback(host) && (await httpStatus(uiUrl)) > 0;
    say(
      name,
      `reusing ${address} (namespace ${namespace}; search attributes ${added.length ? `added ${added.join(', ')}` : 'present'}` +
        `${uiUp ? `; UI ${uiUrl}` : ''})`,
    );
    return {
      name,
      status: 'reused',
      address,
      note: uiUp ? `UI ${uiUrl}` : 'UI not found',
      env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: uiUrl },
      stop: async () => {},
    };
  }

  if (envAddress && !isLoopback(host)) {
    warn(name, `TEMPORAL_ADDRESS=${envAddress} does not answer; starting a local dev server on 127.0.0.1:7233 instead`);
    host = '127.0.0.1';
    port = 7233;
  }
  host = '127.0.0.1';
  address = `${host}:${port}`;
  const uiPort = port === 7233 ? 8233 : Math.min(port + 1000, 65535);
  if (await tcpOpen('127.0.0.1', uiPort)) {
    throw new ServiceError(name, `cannot start a dev server: the UI port ${uiPort} is already taken by another program`);
  }

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
      if (!(await tcpOpen(host, port))) return (last = `gRPC port ${port} not open yet`), false;
      if ((last = await temporalProblem(address, namespace))) return false;
      if ((await httpStatus(`http://127.0.0.1:${uiPort}/`)) !== 200) return (last = `UI on ${uiPort} not answering yet`), false;
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
