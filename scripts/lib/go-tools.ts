// Go-built tools kept in the tool cache (~/.cache/flash-sale/bin): built once with `go install`
// at a pinned version, and rebuilt when `go version -m` says the cached binary is another version.
import { existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceError, formatMs, say } from './log.js';
import { cacheBinDir, cacheDir, ensureDir, logsDir, rel, which } from './paths.js';
import { runCapture, spawnManaged } from './proc.js';

export interface GoTool {
  /** File name in the tool cache. */
  name: string;
  /** Package to `go install`. */
  pkg: string;
  /** Module that `go version -m` names as the binary's main module. */
  module: string;
  version: string;
  /** What it is, for messages. */
  what: string;
}

// Keep these pins in sync with .ci/run.
export const TEMPORAL_CLI: GoTool = {
  name: 'temporal',
  pkg: 'github.com/temporalio/cli/cmd/temporal',
  module: 'github.com/temporalio/cli',
  version: 'v1.5.1',
  what: 'Temporal CLI (dev server)',
};
/** The server inside CLI v1.5.1, so the dev server and the PostgreSQL-backed one are the same version. */
export const TEMPORAL_SERVER: GoTool = {
  name: 'server',
  pkg: 'go.temporal.io/server/cmd/server',
  module: 'go.temporal.io/server',
  version: 'v1.29.1',
  what: 'Temporal server',
};
export const TEMPORAL_SQL_TOOL: GoTool = {
  name: 'sql',
  pkg: 'go.temporal.io/server/cmd/tools/sql',
  module: 'go.temporal.io/server',
  version: 'v1.29.1',
  what: 'Temporal SQL schema tool',
};
/** The UI that CLI v1.5.1 embeds (its `go version -m` lists ui-server v2.42.1). */
export const TEMPORAL_UI_SERVER: GoTool = {
  name: 'temporal-ui-server',
  pkg: 'github.com/temporalio/ui-server/v2/cmd/server',
  module: 'github.com/temporalio/ui-server/v2',
  version: 'v2.42.1',
  what: 'Temporal UI server',
};

export function findGo(): string | undefined {
  return which('go', ['/usr/local/go/bin', '/usr/lib/go/bin']);
}

/** The main module version `go version -m` reports for a binary, or undefined. */
export async function builtVersion(go: string, bin: string): Promise<string | undefined> {
  const r = await runCapture(go, ['version', '-m', bin], { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  return /^\s*mod\s+\S+\s+(\S+)/m.exec(r.stdout)?.[1];
}

/**
 * Path of the tool in the cache, building it first if it is missing or another version.
 * Without Go, a cached binary is used as it is (its version cannot be read).
 */
export async function ensureGoTool(tool: GoTool, who: string): Promise<string> {
  const bin = join(cacheBinDir, tool.name);
  const go = findGo();
  if (existsSync(bin)) {
    if (!go) return bin;
    const have = await builtVersion(go, bin);
    if (have === tool.version) return bin;
    say(who, `${rel(bin)} is ${have ?? 'of unknown version'}, not ${tool.version}: rebuilding`);
  }
  if (!go) {
    throw new ServiceError(
      who,
      `the ${tool.what} is not at ${bin} and Go is not installed to build it. ` +
        `Install Go >= 1.24 (e.g. into /usr/local/go) and run again, or put ${tool.pkg}@${tool.version} there`,
    );
  }
  ensureDir(cacheBinDir);
  const logFile = join(ensureDir(logsDir), `${tool.name}-build.log`);
  say(who, `building the ${tool.what}: go install ${tool.pkg}@${tool.version} into ${cacheBinDir} (once; log ${rel(logFile)})`);
  // Installed into a private directory, then renamed: a concurrent run never sees half a binary,
  // and the tool may be cached under another name than go gives it.
  const gobin = mkdtempSync(join(ensureDir(cacheDir), `build-${tool.name}-`));
  const started = Date.now();
  try {
    const proc = await spawnManaged(`${tool.name}-build`, go, ['install', `${tool.pkg}@${tool.version}`], {
      env: { ...process.env, GOBIN: gobin },
      output: { kind: 'file', path: logFile },
      stopTimeoutMs: 2000,
    });
    const beat = setInterval(() => say(who, `still building the ${tool.what} (${formatMs(Date.now() - started)})...`), 30_000);
    const exit = await proc.exited.finally(() => clearInterval(beat));
    const built = join(gobin, tool.pkg.split('/').pop()!);
    if (exit.code !== 0 || !existsSync(built)) {
      throw new ServiceError(who, `building the ${tool.what} failed (${proc.describeExit()})`, proc.logTail(40));
    }
    renameSync(built, bin);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
  say(who, `built ${bin} (${tool.version}) in ${formatMs(Date.now() - started)}`);
  return bin;
}
