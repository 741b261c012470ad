// k6 (provisioned like every tool: scripts/lib/tools.ts), run with its output kept in the report
// directory.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../lib/paths.js';
import { spawnManaged, type ManagedProcess } from '../lib/proc.js';
import { ensureTool } from '../lib/provision.js';
import { K6 } from '../lib/tools.js';

export const ensureK6 = () => ensureTool(K6);

export interface K6Run {
  code: number | null;
  /** The --summary-export JSON (legacy format: metrics by name, submetrics included). */
  summary: K6Summary | undefined;
  log: string;
}

export interface K6Summary {
  metrics: Record<string, Record<string, number>>;
}

let current: ManagedProcess | undefined;

/** The k6 process running now, if any (stopped on Ctrl-C). */
export const runningK6 = () => current;

/** Runs `k6 run script` with --env pairs; the output (progress and summary) goes to `files.log`. */
export async function runK6(
  k6: string,
  script: string,
  env: Record<string, string | number>,
  files: { summary: string; log: string },
  onStart?: (pid: number) => void,
  /** Passed through the process environment (k6 reads it into __ENV), so it stays out of logs. */
  secretEnv: Record<string, string> = {},
  /**
   * Niceness (0: none). Set through nice(1), so every thread k6 starts inherits it, and on k6's
   * scheduler autogroup: every process the bench starts leads a session of its own, and with
   * autogroups (Linux's default) CPU time is shared between sessions first, so a nice value
   * alone would only rank k6's threads among themselves.
   */
  niceness = 0,
): Promise<K6Run> {
  const args = ['run', '--no-color', `--summary-export=${files.summary}`];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  args.push(join(repoRoot, script));
  const [cmd, cmdArgs] = niceness ? ['nice', ['-n', String(niceness), k6, ...args]] : [k6, args];
  const proc = await spawnManaged('k6', cmd, cmdArgs, {
    cwd: repoRoot,
    env: { ...process.env, ...secretEnv },
    output: { kind: 'file', path: files.log },
    stopSignal: 'SIGINT',
    stopTimeoutMs: 30_000,
  });
  current = proc;
  if (niceness) setAutogroupNice(proc.pid, niceness);
  onStart?.(proc.pid);
  const exit = await proc.exited;
  current = undefined;
  let summary: K6Summary | undefined;
  try {
    const raw = JSON.parse(readFileSync(files.summary, 'utf8')) as K6Summary & { setup_data?: Record<string, unknown> };
    if (raw.setup_data?.token) {
      raw.setup_data.token = '(redacted)';
      writeFileSync(files.summary, JSON.stringify(raw, null, 2));
    }
    summary = raw;
  } catch {
    summary = undefined;
  }
  return { code: exit.code, summary, log: readFileSync(files.log, 'utf8') };
}

/** Lowers the CPU priority of a process's scheduler autogroup (where the kernel has autogroups). */
function setAutogroupNice(pid: number, niceness: number): void {
  const file = `/proc/${pid}/autogroup`;
  if (!existsSync(file)) return;
  try {
    writeFileSync(file, String(niceness));
  } catch (err) {
    console.warn(`k6: could not set the niceness of its autogroup (${(err as Error).message}); nice(1) alone applies`);
  }
}
