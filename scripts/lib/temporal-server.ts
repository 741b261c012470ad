// What every Temporal server the scripts start or reuse needs, whatever its kind (the dev server:
// temporal.ts; the real server on PostgreSQL: temporal-postgres.ts): its dynamic config, our
// search attributes and namespace, readiness checks, and the `--temporal` option.
import { ServiceError } from './log.js';
import { sleep, waitFor } from './net.js';
import type { ManagedProcess } from './proc.js';
import { ensureTool, ToolMissingError, type ToolSpec } from './provision.js';
import { TEMPORAL_CLI } from './tools.js';
import { TEMPORAL_KINDS, type TemporalKind } from './types.js';
import { z } from 'zod';
import { msToTs } from '@temporalio/common/lib/time';

/** Custom search attributes the workflows use (src/engine/contract.ts), with their types. */
export const SEARCH_ATTRIBUTES = { SaleId: 'Keyword', BuyerEmail: 'Keyword', HoldState: 'Keyword', ArrivalSeq: 'Int' } as const;
export const SEARCH_ATTRIBUTE_NAMES = Object.keys(SEARCH_ATTRIBUTES) as (keyof typeof SEARCH_ATTRIBUTES)[];
/** temporal.api.enums.v1.IndexedValueType */
const INDEXED_VALUE_TYPE = { Keyword: 2, Int: 3 } as const;

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

/** `temporal server start-dev` arguments; without `uiPort` the server runs headless. */
export function temporalServerArgs(o: { port: number; uiPort?: number; dbFile?: string }): string[] {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(o.port)];
  args.push(...(o.uiPort === undefined ? ['--headless'] : ['--ui-port', String(o.uiPort)]));
  // WAL + synchronous=NORMAL: measured here about 2x the workflow starts per second of the
  // default (and of in-memory SQLite); still durable across a process crash.
  if (o.dbFile) args.push('--db-filename', o.dbFile, '--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=NORMAL');
  for (const [k, v] of Object.entries(TEMPORAL_DYNAMIC_CONFIG)) args.push('--dynamic-config-value', `${k}=${v}`);
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
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

/** The server's persistence store ("sqlite" for the dev server, "postgres12", ...), or undefined if it does not answer. */
export async function temporalPersistence(address: string, timeoutMs = 3000): Promise<string | undefined> {
  const { Connection } = await loadClient();
  const conn = await Connection.connect({ address, connectTimeout: timeoutMs }).catch(() => undefined);
  if (!conn) return undefined;
  try {
    const info = await conn.withDeadline(Date.now() + timeoutMs, () => conn.workflowService.getClusterInfo({}));
    return info.persistenceStore || undefined;
  } catch {
    return undefined;
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Registers a namespace (a new real server has none but its own); an existing one is fine. */
export async function registerNamespace(address: string, namespace: string): Promise<void> {
  const { Connection } = await loadClient();
  const conn = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    await conn.withDeadline(Date.now() + 10_000, () =>
      conn.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') }),
    );
  } catch (e) {
    if (!/already exists/i.test(e instanceof Error ? e.message : String(e))) throw e;
  } finally {
    await conn.close().catch(() => {});
  }
}

/** Can visibility queries name our search attributes yet? Resolves to an error text, or undefined if so. */
export async function searchAttributesUsable(address: string, namespace: string): Promise<string | undefined> {
  const { Connection } = await loadClient();
  const conn = await Connection.connect({ address, connectTimeout: 5000 });
  const query = Object.entries(SEARCH_ATTRIBUTES)
    .map(([name, type]) => (type === 'Int' ? `${name} = 0` : `${name} = 'probe'`))
    .join(' AND ');
  try {
    await conn.withDeadline(Date.now() + 10_000, () => conn.workflowService.countWorkflowExecutions({ namespace, query }));
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await conn.close().catch(() => {});
  }
}

const TemporalKindOption = z.enum(TEMPORAL_KINDS);

/**
 * Takes `--temporal=dev|postgres` (or `--temporal postgres`) out of command-line arguments.
 * Throws a message naming the option on a bad value.
 */
export function takeTemporalOption(argv: string[]): { kind: TemporalKind | undefined; rest: string[] } {
  const rest: string[] = [];
  let kind: TemporalKind | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a !== '--temporal' && !a.startsWith('--temporal=')) {
      rest.push(a);
      continue;
    }
    const value = a === '--temporal' ? argv[++i] : a.slice('--temporal='.length);
    const parsed = TemporalKindOption.safeParse(value);
    if (!parsed.success) throw new Error(`--temporal must be one of ${TEMPORAL_KINDS.join(', ')}, got ${JSON.stringify(value ?? '')}`);
    kind = parsed.data;
  }
  return { kind, rest };
}

/** Adds missing custom search attributes (existing ones are left alone). Returns the names added. */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<string[]> {
  const { Connection } = await loadClient();
  const conn = await Connection.connect({ address, connectTimeout: 5000 });
  try {
    const list = await conn.withDeadline(Date.now() + 10_000, () => conn.operatorService.listSearchAttributes({ namespace }));
    const existing = new Set(Object.keys(list.customAttributes ?? {}));
    const missing = SEARCH_ATTRIBUTE_NAMES.filter((sa) => !existing.has(sa));
    if (missing.length) {
      const searchAttributes = Object.fromEntries(missing.map((sa) => [sa, INDEXED_VALUE_TYPE[SEARCH_ATTRIBUTES[sa]]]));
      try {
        await conn.withDeadline(Date.now() + 10_000, () => conn.operatorService.addSearchAttributes({ namespace, searchAttributes }));
      } catch (e) {
        if (!/already exists/i.test(e instanceof Error ? e.message : String(e))) throw e;
      }
    }
    return missing;
  } finally {
    await conn.close().catch(() => {});
  }
}

/**
 * Waits until the server answers for `namespace` (registering it and the search attributes on a
 * new cluster) and the search attributes can be queried. Throws with the log tail otherwise.
 */
export async function waitUntilServing(proc: ManagedProcess, address: string, namespace: string, timeoutMs: number): Promise<void> {
  let last: string | undefined;
  const abort = () => (proc.running ? undefined : `temporal server ${proc.describeExit()}`);
  const fail = (why: string) => new ServiceError('temporal', `${why}${last ? ` (last check: ${last})` : ''}`, proc.logTail());
  const up = await waitFor(
    async () => {
      last = await temporalProblem(address, namespace);
      if (last && /not found/i.test(last)) {
        // A new cluster has only the system namespace.
        await registerNamespace(address, namespace).catch((e: unknown) => (last = String(e)));
        return false;
      }
      return !last;
    },
    { timeoutMs, intervalMs: 300, abort },
  );
  if (!up.ok) throw fail(`server did not become ready: ${up.reason}`);
  // The frontend sees a new namespace and its search attributes only after its namespace cache refreshes.
  const attrs = await waitFor(
    async () => {
      await ensureSearchAttributes(address, namespace);
      last = await searchAttributesUsable(address, namespace);
      return !last;
    },
    { timeoutMs, intervalMs: 500, abort },
  );
  if (!attrs.ok) throw fail(`search attributes not usable: ${attrs.reason}`);
}

/** A tool's path for the Temporal service, its failure said as the service's (one sentence). */
export async function ensureTemporalTool(tool: ToolSpec): Promise<string> {
  try {
    return await ensureTool(tool);
  } catch (err) {
    if (err instanceof ToolMissingError) throw new ServiceError('temporal', err.message, err.logTail);
    throw err;
  }
}

/** Path of the Temporal CLI (TEMPORAL_CLI, or the tool cache, building it with `go install` if needed). */
export const ensureTemporalCli = () => ensureTemporalTool(TEMPORAL_CLI);
