// The production build (.next) on demand: `next build` runs only when the build is missing or
// older than any source it is made from. Used by the e2e app server and by tests that start the
// real app in production mode.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

const BUILD_INPUTS = ['src', 'prisma-free-models', 'next.config.mjs', 'tsconfig.json', 'package-lock.json'];

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a build is needed, or null when .next is up to date. */
export function buildNeeded(): string | null {
  const buildIdFile = join(repoRoot, '.next', 'BUILD_ID');
  const builtAt = existsSync(buildIdFile) ? statSync(buildIdFile).mtimeMs : 0;
  const sourcesAt = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(repoRoot, p))));
  if (builtAt >= sourcesAt) return null;
  return builtAt ? 'sources changed since the last build' : 'no production build yet';
}

/** Runs `next build` if needed (output to this process's stdio); throws when the build fails. */
export function ensureProductionBuild(log: (line: string) => void = console.log): void {
  const why = buildNeeded();
  if (!why) {
    log('production build is up to date');
    return;
  }
  log(`next build (${why}); this takes a minute or two`);
  const t0 = Date.now();
  const r = spawnSync(join(repoRoot, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: repoRoot,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) throw new Error(`next build failed (${r.signal ?? `exit ${r.status}`})`);
  log(`built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}
