// The machine the bench ran on, and a CPU sampler per process group (from /proc), so the report
// can say which process was busy while the load ran.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import os from 'node:os';
import { runCapture } from '../lib/proc.js';

export interface MachineInfo {
  /** 1-minute load average when the info was read (other users' work shows here). */
  loadAverage1m: number;
  cpuModel: string;
  cores: number;
  memoryGb: number;
  os: string;
  kernel: string;
  node: string;
}

export function machineInfo(): MachineInfo {
  let distro = os.type();
  try {
    distro = /PRETTY_NAME="?([^"\n]+)"?/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? distro;
  } catch {
    /* not Linux */
  }
  return {
    loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100,
    cpuModel: os.cpus()[0]?.model.replace(/\s+/g, ' ').trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: distro,
    kernel: os.release(),
    node: process.version,
  };
}

export async function toolVersion(bin: string, args: string[]): Promise<string> {
  const r = await runCapture(bin, args, { timeoutMs: 10_000 });
  return (r.stdout || r.stderr).split('\n')[0]?.trim() || 'unknown';
}

const TICKS = 100; // USER_HZ on Linux

function readStat(pid: number): { ticks: number; ppid: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ticks: Number(f[11]) + Number(f[12]), ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((e) => /^\d+$/.test(e))
      .map(Number);
  } catch {
    return [];
  }
}

/** One pass over /proc: ticks and parent of every process. */
function snapshot(): Map<number, { ticks: number; ppid: number }> {
  const all = new Map<number, { ticks: number; ppid: number }>();
  for (const pid of allPids()) {
    const st = readStat(pid);
    if (st) all.set(pid, st);
  }
  return all;
}

/** CPU ticks of `root` and all its descendants. */
function treeTicks(all: Map<number, { ticks: number; ppid: number }>, root: number): number {
  const kids = new Map<number, number[]>();
  for (const [pid, st] of all) (kids.get(st.ppid) ?? kids.set(st.ppid, []).get(st.ppid)!).push(pid);
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(kids.get(out[i]!) ?? []));
  return out.reduce((sum, pid) => sum + (all.get(pid)?.ticks ?? 0), 0);
}

/** Is `pid` the process `root` or one of its descendants? */
export function isDescendant(pid: number, root: number): boolean {
  for (let p: number | undefined = pid, hops = 0; p && p > 1 && hops < 64; hops++) {
    if (p === root) return true;
    p = readStat(p)?.ppid;
  }
  return false;
}

/** The process listening on a TCP port (from /proc/net/tcp*), if it is ours to see. */
export function pidListeningOn(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        if (f.length < 10 || f[3] !== '0A') continue; // LISTEN
        if (parseInt(f[1]!.split(':')[1]!, 16) === port) inodes.add(f[9]!);
      }
    } catch {
      /* not Linux */
    }
  }
  if (!inodes.size) return undefined;
  for (const pid of allPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1]!)) return pid;
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return undefined;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export interface CpuSeries {
  /** Percent of one core, per sample, per group. */
  groups: Record<string, number[]>;
  /** Whole machine, percent of all cores. */
  machine: number[];
  /** Length of each sample, seconds. */
  seconds: number[];
  intervalMs: number;
}

/**
 * A process group to sample: a process with all its descendants (by pid), or every process whose
 * command line matches (e.g. the PostgreSQL backends serving one database, which are children of
 * a postmaster that serves everyone).
 */
export type CpuGroup = number | { match: (cmdline: string) => boolean } | undefined;

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

/** CPU seconds of a series (all samples, or those in [from, to)), per group. */
export function cpuSeconds(series: CpuSeries, from = 0, to = series.machine.length): Record<string, number> {
  return Object.fromEntries(
    Object.entries(series.groups).map(([name, pct]) => [
      name,
      pct.slice(from, to).reduce((a, p, i) => a + (p / 100) * (series.seconds[from + i] ?? 0), 0),
    ]),
  );
}

/** Only the samples in [from, to): e.g. the load's part of a series that also covers the settling after it. */
export function sliceSeries(series: CpuSeries, from: number, to: number): CpuSeries {
  return {
    groups: Object.fromEntries(Object.entries(series.groups).map(([k, v]) => [k, v.slice(from, to)])),
    machine: series.machine.slice(from, to),
    seconds: series.seconds.slice(from, to),
    intervalMs: series.intervalMs,
  };
}

/**
 * Samples CPU use of named process groups every `intervalMs` until stop() is called; mark()
 * returns the number of samples so far (to cut the series at a moment).
 */
export function sampleCpu(groupsIn: Record<string, CpuGroup>, intervalMs = 1000) {
  const groups: Record<string, number[]> = {};
  const machine: number[] = [];
  const seconds: number[] = [];
  const named = Object.entries(groupsIn).filter((e): e is [string, Exclude<CpuGroup, undefined>] => e[1] !== undefined);
  const cmdlines = new Map<number, string>();
  const ticksAll = () => {
    const all = snapshot();
    for (const pid of cmdlines.keys()) if (!all.has(pid)) cmdlines.delete(pid);
    const matching = (match: (c: string) => boolean) => {
      let sum = 0;
      for (const [pid, st] of all) {
        let c = cmdlines.get(pid);
        if (c === undefined) cmdlines.set(pid, (c = cmdline(pid)));
        if (match(c)) sum += st.ticks;
      }
      return sum;
    };
    return Object.fromEntries(named.map(([name, g]) => [name, typeof g === 'number' ? treeTicks(all, g) : matching(g.match)]));
  };
  let last = ticksAll();
  let lastMachine = machineTicks();
  let lastAt = Date.now();
  for (const [name] of named) groups[name] = [];
  const timer = setInterval(() => {
    const now = Date.now();
    const secs = (now - lastAt) / 1000;
    const next = ticksAll();
    // A matched process that ended takes its ticks with it: a group never goes below zero.
    for (const [name] of named) groups[name]!.push(Math.max(0, ((next[name]! - last[name]!) / TICKS / secs) * 100));
    const m = machineTicks();
    machine.push(m.total > lastMachine.total ? ((m.busy - lastMachine.busy) / (m.total - lastMachine.total)) * 100 : 0);
    seconds.push(secs);
    last = next;
    lastMachine = m;
    lastAt = now;
  }, intervalMs);
  return {
    mark: () => machine.length,
    stop(): CpuSeries {
      clearInterval(timer);
      return { groups, machine, seconds, intervalMs };
    },
  };
}
