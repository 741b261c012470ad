// The programs the scripts provision (scripts/lib/provision.ts): where each is looked for, and
// how it is installed when missing. A new tool is one more entry here.
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
  go: { pkg: 'github.com/temporalio/cli/cmd/temporal', module: 'github.com/temporalio/cli', version: 'v1.5.1', takes: 'about 3.5 minutes' },
};

/** The real Temporal server (--temporal=postgres): the one inside CLI v1.5.1, so both are the same version. */
export const TEMPORAL_SERVER: ToolSpec = {
  name: 'server',
  neededFor: 'the Temporal server on PostgreSQL (--temporal=postgres)',
  go: { pkg: 'go.temporal.io/server/cmd/server', module: 'go.temporal.io/server', version: 'v1.29.1', takes: 'about 2.5 minutes' },
};

export const TEMPORAL_SQL_TOOL: ToolSpec = {
  name: 'sql',
  neededFor: "the Temporal server's PostgreSQL schema (--temporal=postgres)",
  go: { pkg: 'go.temporal.io/server/cmd/tools/sql', module: 'go.temporal.io/server', version: 'v1.29.1', takes: 'about a minute' },
};

/** The UI that CLI v1.5.1 embeds (its `go version -m` lists ui-server v2.42.1), for the PostgreSQL-backed server. */
export const TEMPORAL_UI_SERVER: ToolSpec = {
  name: 'temporal-ui-server',
  neededFor: 'the Temporal UI of the PostgreSQL-backed server (--temporal=postgres)',
  go: {
    pkg: 'github.com/temporalio/ui-server/v2/cmd/server',
    module: 'github.com/temporalio/ui-server/v2',
    version: 'v2.42.1',
    takes: 'about 20 seconds',
  },
};

/** k6, for the load tests and `npm run bench`. */
export const K6: ToolSpec = {
  name: 'k6',
  neededFor: 'the load tests (k6)',
  go: { pkg: 'go.k6.io/k6', module: 'go.k6.io/k6', version: 'v1.8.1', takes: 'about 80 seconds' },
};

/** Mailpit: a real SMTP server that keeps what it receives, with a web UI and an API to read it (sign-in codes in development and tests). */
export const MAILPIT: ToolSpec = {
  name: 'mailpit',
  neededFor: 'a local SMTP server for the sign-in codes (or set SMTP_URL to a running one)',
  envVar: 'MAILPIT_BIN',
  go: { pkg: 'github.com/axllent/mailpit', module: 'github.com/axllent/mailpit', version: 'v1.27.11', takes: 'a minute or two' },
};

/** promtool (Debian's prometheus package), which checks the Prometheus config and the dashboard's queries. */
export const PROMTOOL: ToolSpec = {
  name: 'promtool',
  neededFor: 'checking ops/prometheus and the Grafana dashboard',
  paths: ['/usr/bin/promtool'],
  onPath: ['promtool'],
  apt: { packages: ['prometheus'], takes: 'a few seconds' },
};

/** docker compose, to validate docker-compose.yml where no Docker is installed (its go.mod refuses `go install`). */
export const DOCKER_COMPOSE: ToolSpec = {
  name: 'docker-compose',
  neededFor: 'validating docker-compose.yml (`docker compose config`)',
  go: {
    pkg: 'github.com/docker/compose/v2/cmd',
    module: 'github.com/docker/compose/v2',
    version: 'v2.40.3',
    takes: 'a few minutes',
    viaModule: { ldflags: '-s -w -X github.com/docker/compose/v2/internal.Version=v2.40.3' },
  },
};

/** Every tool by name, for `npm run tools`. */
export const TOOLS: Record<string, ToolSpec> = Object.fromEntries(
  [CHROMIUM, REDIS_SERVER, TEMPORAL_CLI, TEMPORAL_SERVER, TEMPORAL_SQL_TOOL, TEMPORAL_UI_SERVER, K6, MAILPIT, PROMTOOL, DOCKER_COMPOSE].map(
    (t) => [t.name, t],
  ),
);
