// Small console helpers shared by the scripts.
import { closeSync, openSync, readSync, statSync } from 'node:fs';

const useColor = !!process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: string) => (s: string) => (useColor ? `\u001b[${code}m${s}\u001b[0m` : s);
export const bold = paint('1');
export const dim = paint('2');
export const red = paint('31');
export const green = paint('32');
export const yellow = paint('33');
export const cyan = paint('36');

export function say(who: string, msg: string): void {
  process.stdout.write(`${cyan(who + ':')} ${msg}\n`);
}

export function warn(who: string, msg: string): void {
  process.stdout.write(`${yellow(who + ':')} ${yellow('warning:')} ${msg}\n`);
}

export function fail(who: string, msg: string): void {
  process.stderr.write(`${red(who + ':')} ${msg}\n`);
}

/** Error carrying a service name and (optionally) the tail of its log. */
export class ServiceError extends Error {
  constructor(
    readonly service: string,
    message: string,
    readonly logTail?: string,
  ) {
    super(`${service}: ${message}`);
    this.name = 'ServiceError';
  }

  /** Message plus the log tail, for printing. */
  describe(): string {
    if (!this.logTail?.trim()) return this.message;
    const body = this.logTail
      .trimEnd()
      .split('\n')
      .map((l) => `  | ${l}`)
      .join('\n');
    return `${this.message}\n  last lines of the ${this.service} log:\n${body}`;
  }
}

export function describeError(err: unknown): string {
  if (err instanceof ServiceError) return err.describe();
  if (err instanceof AggregateError) return err.errors.map(describeError).join('\n');
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Last `lines` lines of a file, reading at most the last 64 KiB after `fromOffset`. */
export function tailFile(path: string, lines = 30, fromOffset = 0): string {
  try {
    const size = statSync(path).size;
    const start = Math.max(fromOffset, size - 64 * 1024);
    if (size <= start) return '';
    const buf = Buffer.alloc(size - start);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf
      .toString('utf8')
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '';
  }
}

/** Plain text table (first row is the header). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows
    .map((row, r) => {
      const line = row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
      return r === 0 ? bold(line) : line;
    })
    .join('\n');
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
