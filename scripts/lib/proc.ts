// Child process management: every child gets its own process group so that the
// whole tree (e.g. `tsx` and the node process it starts) can be stopped with one
// group signal. Children die with the parent:
//   - normal exit / SIGINT / SIGTERM / SIGHUP: the scripts stop them in order
//     (onShutdownSignal), and a synchronous 'exit' hook signals whatever is left;
//   - the parent being SIGKILLed: a tiny detached "reaper" process holds the read
//     end of a pipe from us; when that pipe closes it signals the groups that are
//     still registered (SIGTERM, then SIGKILL after a grace period).
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tailFile } from './log.js';
import { sleep } from './net.js';

export type OutputMode =
  | { kind: 'inherit' }
  | { kind: 'ignore' }
  | { kind: 'file'; path: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'tee'; onData: (text: string) => void };

export interface SpawnOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  output: OutputMode;
  /** Signal sent to the process group on stop (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** Grace period before SIGKILL (default 10s). */
  stopTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<ManagedProcess>();

export class ManagedProcess {
  exitInfo: ExitInfo | undefined;
  stopping = false;
  readonly exited: Promise<ExitInfo>;
  readonly logFile: string | undefined;
  readonly logOffset: number;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly pid: number,
    private readonly opts: SpawnOptions,
    logFile: string | undefined,
    logOffset: number,
  ) {
    this.logFile = logFile;
    this.logOffset = logOffset;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        live.delete(this);
        reaperSend(`-${pid}`);
        resolve(this.exitInfo);
      });
    });
  }

  get running(): boolean {
    return this.exitInfo === undefined;
  }

  /** "exited with code 1" / "killed by SIGKILL". */
  describeExit(): string {
    const e = this.exitInfo;
    if (!e) return 'running';
    return e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;
  }

  logTail(lines = 30): string {
    return this.logFile ? tailFile(this.logFile, lines, this.logOffset) : '';
  }

  /** Stops the whole process group: stopSignal, then SIGKILL after the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    const pgid = this.pid;
    if (!groupAlive(pgid) && !this.running) return;
    const tree = new Set(descendants(pgid));
    signalGroup(pgid, this.opts.stopSignal ?? 'SIGTERM');
    const deadline = Date.now() + (this.opts.stopTimeoutMs ?? 10_000);
    while (Date.now() < deadline && (groupAlive(pgid) || this.running)) await sleep(100);
    if (groupAlive(pgid) || this.running) {
      for (const p of descendants(pgid)) tree.add(p);
      signalGroup(pgid, 'SIGKILL');
      for (const p of tree) signalPid(p, 'SIGKILL');
      const hard = Date.now() + 3000;
      while (Date.now() < hard && (groupAlive(pgid) || this.running)) await sleep(100);
    }
    await Promise.race([this.exited, sleep(1000)]);
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* group already gone */
  }
}

function signalPid(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* gone */
  }
}

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

function readProcStats(): ProcStat[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const out: ProcStat[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(e), state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]) });
    } catch {
      /* process vanished */
    }
  }
  return out;
}

/** Is any non-zombie process left in the group? */
function groupAlive(pgid: number): boolean {
  const stats = readProcStats();
  if (!stats) {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  return stats.some((p) => p.pgrp === pgid && p.state !== 'Z' && p.state !== 'X');
}

/** All descendants of pid (any process group), best effort. */
function descendants(pid: number): number[] {
  const stats = readProcStats();
  if (!stats) return [];
  const kids = new Map<number, number[]>();
  for (const p of stats) {
    if (p.state === 'Z') continue;
    const list = kids.get(p.ppid) ?? [];
    list.push(p.pid);
    kids.set(p.ppid, list);
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const k of kids.get(stack.pop()!) ?? []) {
      out.push(k);
      stack.push(k);
    }
  }
  return out;
}

// ---------------------------------------------------------------- reaper

let reaper: ChildProcess | undefined;

const REAPER_SOURCE = `
process.title = 'flash-sale-reaper';
const groups = new Set();
let buf = '';
for (const s of ['SIGINT', 'SIGHUP', 'SIGTERM']) process.on(s, () => {});
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 1);
    const n = Number(line.slice(1));
    if (line[0] === '+') groups.add(n); else groups.delete(n);
  }
});
const alive = (g) => { try { process.kill(-g, 0); return true; } catch { return false; } };
let reaping = false;
function reap() {
  if (reaping) return;
  reaping = true;
  for (const g of groups) { try { process.kill(-g, 'SIGTERM'); } catch {} }
  const started = Date.now();
  const t = setInterval(() => {
    const left = [...groups].filter(alive);
    if (left.length === 0) process.exit(0);
    if (Date.now() - started > 8000) {
      for (const g of left) { try { process.kill(-g, 'SIGKILL'); } catch {} }
      process.exit(0);
    }
  }, 200);
}
process.stdin.on('end', reap);
process.stdin.on('close', reap);
process.stdin.on('error', reap);
`;

function reaperSend(line: string): void {
  if (!reaper?.stdin?.writable) return;
  try {
    reaper.stdin.write(line + '\n');
  } catch {
    /* reaper gone */
  }
}

function ensureReaper(): void {
  if (reaper) return;
  reaper = spawn(process.execPath, ['-e', REAPER_SOURCE], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH ?? '' } as Partial<NodeJS.ProcessEnv> as NodeJS.ProcessEnv, // Next's global types require NODE_ENV
  });
  reaper.on('error', () => {});
  reaper.stdin?.on('error', () => {});
  // Neither the reaper nor its pipe may keep this process alive.
  reaper.unref();
  (reaper.stdin as unknown as { unref?: () => void } | null)?.unref?.();
}

let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const p of live) signalGroup(p.pid, 'SIGTERM');
  });
}

/** Spawns `cmd args` in its own process group and tracks it. Rejects if it cannot be spawned. */
export async function spawnManaged(name: string, cmd: string, args: string[], opts: SpawnOptions): Promise<ManagedProcess> {
  ensureReaper();
  installExitHook();
  let stdio: StdioOptions;
  let fd: number | undefined;
  let logFile: string | undefined;
  let logOffset = 0;
  const out = opts.output;
  switch (out.kind) {
    case 'inherit':
      stdio = ['ignore', 'inherit', 'inherit'];
      break;
    case 'ignore':
      stdio = ['ignore', 'ignore', 'ignore'];
      break;
    case 'file': {
      logFile = out.path;
      fd = openSync(out.path, 'a');
      try {
        logOffset = statSync(out.path).size;
      } catch {
        logOffset = 0;
      }
      writeSync(fd, `\n===== ${new Date().toISOString()} ${cmd} ${args.join(' ')}\n`);
      stdio = ['ignore', fd, fd];
      break;
    }
    default:
      stdio = ['ignore', 'pipe', 'pipe'];
  }

  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio, detached: true });
  if (fd !== undefined) closeSync(fd);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', (err) => reject(new Error(`${name}: cannot start ${cmd}: ${err.message}`)));
  });
  child.on('error', () => {});
  const pid = child.pid!;
  const mp = new ManagedProcess(name, child, pid, opts, logFile, logOffset);
  live.add(mp);
  reaperSend(`+${pid}`);

  if (out.kind === 'prefix') {
    for (const [src, dst] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      if (!src) continue;
      createInterface({ input: src, crlfDelay: Infinity }).on('line', (line) => dst.write(`${out.prefix} ${line}\n`));
    }
  } else if (out.kind === 'tee') {
    for (const [src, dst] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      src?.on('data', (d: Buffer) => {
        dst.write(d);
        out.onData(d.toString('utf8'));
      });
    }
  }
  return mp;
}

/** Runs a short command to completion, capturing output (for probes like `go version`). */
export function runCapture(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (err) => {
      if (timer) clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + err.message });
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Processes started by this process that are still running. */
export function liveProcesses(): ManagedProcess[] {
  return [...live];
}

/** SIGKILLs every process group we started (last resort). */
export function killAllNow(): void {
  for (const p of live) {
    for (const d of descendants(p.pid)) signalPid(d, 'SIGKILL');
    signalGroup(p.pid, 'SIGKILL');
  }
}

/**
 * Installs SIGINT/SIGTERM/SIGHUP handlers: the first signal runs `handler` (graceful stop)
 * and exits with its return value (default 128+signo); a second signal kills everything now.
 */
export function onShutdownSignal(handler: (signal: NodeJS.Signals) => Promise<number | void>): void {
  let shuttingDown = false;
  const codes: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      if (shuttingDown) {
        process.stderr.write(`\n${sig} again: killing everything now\n`);
        killAllNow();
        process.exit(codes[sig] ?? 1);
      }
      shuttingDown = true;
      process.stdout.write(`\n${sig} received: stopping (press Ctrl-C again to force)\n`);
      handler(sig).then(
        (code) => process.exit(typeof code === 'number' ? code : (codes[sig] ?? 1)),
        (err) => {
          process.stderr.write(`error while stopping: ${err instanceof Error ? err.message : String(err)}\n`);
          killAllNow();
          process.exit(1);
        },
      );
    });
  }
}
