/**
 * Playwright's app server: runs `next build` when the production build is missing or older than
 * any source it is made from, then serves it with the custom server (src/server.ts) in this process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
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

const buildIdFile = join(root, '.next', 'BUILD_ID');
const builtAt = existsSync(buildIdFile) ? statSync(buildIdFile).mtimeMs : 0;
const sourcesAt = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(root, p))));

if (builtAt < sourcesAt) {
  const why = builtAt ? 'sources changed since the last build' : 'no production build yet';
  console.log(`[e2e] next build (${why}); this takes a minute or two`);
  const t0 = Date.now();
  const r = spawnSync(join(root, 'node_modules', '.bin', 'next'), ['build'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) {
    console.error(`[e2e] next build failed (${r.signal ?? `exit ${r.status}`})`);
    process.exit(1);
  }
  console.log(`[e2e] built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
} else {
  console.log('[e2e] production build is up to date');
}

await import('../../src/server');
