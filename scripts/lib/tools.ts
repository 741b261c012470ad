// The programs the scripts provision (scripts/lib/provision.ts): where each is looked for, and
// how it is installed when missing. A new tool is one more entry here.
import { join } from 'node:path';
import { cacheBinDir, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION } from './paths.js';
import type { ToolSpec } from './provision.js';

/** Debian's Chromium for Playwright (playwright.config.ts reads CHROMIUM_PATH). */
export const CHROMIUM: ToolSpec = {
  name: 'chromium',
  neededFor: 'the e2e tests (Playwright)',
  envVar: 'CHROMIUM_PATH',
  paths: ['/usr/bin/chromium'],
  onPath: ['chromium'],
  apt: { packages: ['chromium'], takes: 'about 110 MB to download; 8 s on a fast mirror' },
};

/** redis-server, started by the scripts when nothing answers on 127.0.0.1:6379. */
export const REDIS_SERVER: ToolSpec = {
  name: 'redis-server',
  neededFor: 'a local Redis (or set REDIS_URL to a running one)',
  paths: ['/usr/bin/redis-server', '/usr/sbin/redis-server', '/usr/local/bin/redis-server'],
  onPath: ['redis-server'],
  apt: { packages: ['redis-server'], takes: 'a few seconds' },
};

/** The Temporal CLI (its dev server), pinned and built into the tool cache. */
export const TEMPORAL_CLI: ToolSpec = {
  name: 'temporal',
  neededFor: 'a local Temporal dev server (or set TEMPORAL_ADDRESS to a running one)',
  envVar: 'TEMPORAL_CLI',
  paths: [join(cacheBinDir, 'temporal')],
  go: { module: TEMPORAL_CLI_MODULE, version: TEMPORAL_CLI_VERSION, takes: 'about 3.5 minutes' },
};
