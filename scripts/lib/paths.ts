// Well-known locations used by the service helpers.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root (scripts/lib/../..). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Git-ignored folder for service data and logs. */
export const dataDir = join(repoRoot, '.data');
export const logsDir = join(dataDir, 'logs');

/** Tool cache shared between runs and checkouts (kept outside the repo). */
export const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'flash-sale');
export const cacheBinDir = join(cacheDir, 'bin');

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Path relative to the repo root, for display. */
export function rel(p: string): string {
  const r = relative(repoRoot, p);
  return r.startsWith('..') ? p : r;
}

function isExecutableFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Finds an executable on PATH (plus optional extra dirs), like `command -v`. */
export function which(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** A binary from node_modules/.bin, if installed. */
export function localBin(name: string): string | undefined {
  const p = join(repoRoot, 'node_modules', '.bin', name);
  return existsSync(p) ? p : undefined;
}
