/**
 * Playwright's app server: runs `next build` when the production build is missing or older than
 * any source it is made from, then serves it with the custom server (src/server.ts) in this process.
 */
import { ensureProductionBuild } from '../../scripts/lib/next-build';

try {
  ensureProductionBuild((line) => console.log(`[e2e] ${line}`));
} catch (err) {
  console.error(`[e2e] ${(err as Error).message}`);
  process.exit(1);
}

await import('../../src/server');
