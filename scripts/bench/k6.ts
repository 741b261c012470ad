// k6: found on PATH or in the tool cache, else built with `go install` (like the Temporal CLI),
// and run with its output kept in the report directory.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { say } from '../lib/log.js';
import { cacheBinDir, ensureDir, repoRoot, which } from '../lib/paths.js';
import { runCapture, spawnManaged, type ManagedProcess } from '../lib/proc.js';

export const K6_MODULE = 'go.k6.io/k6';
export const K6_VERSION = 'v1.8.1'; // keep in sync with .ci/run

export async function ensureK6(): Promise<string> {
  const found = which('k6', [cacheBinDir]);
  if (found) return found;
  const go = which('go', ['/usr/local/go/bin']);
  if (!go) throw new Error(`k6 is not installed and Go is missing to build it (go install ${K6_MODULE}@${K6_VERSION})`);
  say('bench', `building k6 ${K6_VERSION} into ${cacheBinDir} (go install, once; a few minutes)`);
  ensureDir(cacheBinDir);
  const r = await runCapture(go, ['install', `${K6_MODULE}@${K6_VERSION}`], {
    env: { ...process.env, GOBIN: cacheBinDir },
    timeoutMs: 20 * 60_000,
  });
  const bin = join(cacheBinDir, 'k6');
  if (r.code !== 0 || !existsSync(bin)) throw new Error(`go install ${K6_MODULE}@${K6_VERSION} failed:\n${r.stderr.slice(-2000)}`);
  return bin;
}

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
): Promise<K6Run> {
  const args = ['run', '--no-color', `--summary-export=${files.summary}`];
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  args.push(join(repoRoot, script));
  const proc = await spawnManaged('k6', k6, args, {
    cwd: repoRoot,
    env: { ...process.env, ...secretEnv },
    output: { kind: 'file', path: files.log },
    stopSignal: 'SIGINT',
    stopTimeoutMs: 30_000,
  });
  current = proc;
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
