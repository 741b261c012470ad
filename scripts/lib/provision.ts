// Finds or installs the programs the scripts need, all in one shape:
//   1. the tool's env variable (e.g. CHROMIUM_PATH), when set, wins and must exist;
//   2. a known location or PATH;
//   3. Debian packages via apt-get, when running as root on a machine with apt-get;
//   4. or a Go module built with `go install` into the tool cache (~/.cache/flash-sale/bin);
// and otherwise stops with one sentence saying exactly what to install.
// FLASH_SALE_NO_APT=1 forbids step 3 (nothing is installed system-wide; the sentence says what to do).
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatMs, say } from './log.js';
import { cacheBinDir, cacheDir, ensureDir, logsDir, rel, which } from './paths.js';
import { runCapture, spawnManaged } from './proc.js';

export interface ToolSpec {
  /** Short name used in messages and log file names, e.g. "chromium". */
  name: string;
  /** What needs it, for the messages: "the e2e tests (Playwright)". */
  neededFor: string;
  /** Env variable that names the binary; checked first. */
  envVar?: string;
  /** Absolute paths tried in order. */
  paths?: string[];
  /** Names looked up on PATH after `paths`. */
  onPath?: string[];
  /** Debian packages that provide the binary at one of `paths` or on PATH. */
  apt?: { packages: string[]; takes: string };
  /** A Go program built into the tool cache at a pinned version; the binary is `cacheBinDir/<name>`. */
  go?: {
    /** The package to build, e.g. github.com/temporalio/cli/cmd/temporal. */
    pkg: string;
    /** Its module, as `go version -m` names it (the cached binary is rebuilt when its version differs). */
    module: string;
    version: string;
    takes: string;
    /**
     * Built with `go build` from a throwaway module that requires it, for modules whose go.mod
     * `go install pkg@version` refuses (replace or exclude directives).
     */
    viaModule?: { ldflags?: string };
  };
}

/** A tool could not be found or installed; `message` is the one sentence to show. */
export class ToolMissingError extends Error {
  constructor(
    readonly tool: string,
    message: string,
    readonly logTail?: string,
  ) {
    super(message);
    this.name = 'ToolMissingError';
  }
}

const GO_DIRS = ['/usr/local/go/bin', '/usr/lib/go/bin'];

/** The version `go version -m` reports for `module` in a binary (main module or dependency). */
async function builtVersion(go: string, bin: string, module: string): Promise<string | undefined> {
  const r = await runCapture(go, ['version', '-m', bin], { timeoutMs: 30_000 });
  if (r.code !== 0) return undefined;
  for (const [, m, v] of r.stdout.matchAll(/^\s*(?:mod|dep)\s+(\S+)\s+(\S+)/gm)) if (m === module) return v;
  return undefined;
}

/** A Go tool in the cache at its pinned version (unchecked when Go is not installed). */
async function cachedGoTool(spec: ToolSpec & { go: NonNullable<ToolSpec['go']> }): Promise<string | undefined> {
  const bin = join(cacheBinDir, spec.name);
  if (!existsSync(bin)) return undefined;
  const go = which('go', GO_DIRS);
  if (!go) return bin;
  const have = await builtVersion(go, bin, spec.go.module);
  if (have === spec.go.version) return bin;
  say(spec.name, `${rel(bin)} is ${have ?? 'of an unknown version'}, not ${spec.go.version}: rebuilding`);
  return undefined;
}

function findInstalled(spec: ToolSpec): string | undefined {
  for (const p of spec.paths ?? []) if (existsSync(p)) return p;
  for (const n of spec.onPath ?? []) {
    const found = which(n);
    if (found) return found;
  }
  return undefined;
}

/** Why apt-get cannot be used here, or undefined when it can. */
export function aptUnusable(): string | undefined {
  if (process.env.FLASH_SALE_NO_APT === '1') return 'FLASH_SALE_NO_APT=1';
  if (process.platform !== 'linux' || !which('apt-get')) return 'no apt-get on this machine';
  if (process.getuid?.() !== 0) return 'not running as root';
  return undefined;
}

/** Runs one install step with its output in a log file and a heartbeat every 30 s. */
async function runLogged(spec: ToolSpec, cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const started = Date.now();
  const proc = await spawnManaged(`${spec.name}-install`, cmd, args, { env, output: { kind: 'file', path: logFile }, stopTimeoutMs: 5000 });
  const beat = setInterval(() => say(spec.name, `still installing (${formatMs(Date.now() - started)}, log ${rel(logFile)})...`), 30_000);
  const exit = await proc.exited.finally(() => clearInterval(beat));
  if (exit.code !== 0) {
    throw new ToolMissingError(
      spec.name,
      `${spec.name}: \`${cmd} ${args.join(' ')}\` failed (${proc.describeExit()}); see ${rel(logFile)}`,
      proc.logTail(30),
    );
  }
}

async function aptInstall(spec: ToolSpec & { apt: NonNullable<ToolSpec['apt']> }): Promise<string | undefined> {
  const logFile = join(ensureDir(logsDir), `${spec.name}-install.log`);
  const packages = spec.apt.packages.join(' ');
  say(
    spec.name,
    `not installed; installing Debian's ${packages} for ${spec.neededFor}: apt-get update && apt-get install -y --no-install-recommends ${packages} ` +
      `(${spec.apt.takes}, once; log ${rel(logFile)})`,
  );
  const started = Date.now();
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged(spec, 'apt-get', ['update', '-qq'], env, logFile);
  await runLogged(spec, 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...spec.apt.packages], env, logFile);
  const bin = findInstalled(spec);
  if (bin) say(spec.name, `installed ${bin} in ${formatMs(Date.now() - started)}`);
  return bin;
}

async function goInstall(spec: ToolSpec & { go: NonNullable<ToolSpec['go']> }, go: string): Promise<string | undefined> {
  const { pkg, module, version, takes, viaModule } = spec.go;
  ensureDir(cacheBinDir);
  const logFile = join(ensureDir(logsDir), `${spec.name}-build.log`);
  say(spec.name, `building ${pkg}@${version} with ${go} into ${cacheBinDir} (${takes}, once; log ${rel(logFile)})`);
  const started = Date.now();
  // Built in a private directory, then renamed: a concurrent run never sees half a binary, and two
  // tools whose binaries go calls the same (e.g. "server") do not meet.
  const dir = mkdtempSync(join(ensureDir(cacheDir), `build-${spec.name}-`));
  const built = join(dir, spec.name);
  try {
    if (viaModule) {
      writeFileSync(join(dir, 'go.mod'), `module build-${spec.name}\n\ngo 1.24\n`);
      const env = { ...process.env, GOFLAGS: '-mod=mod' };
      await runLogged(spec, go, ['-C', dir, 'get', `${module}@${version}`], env, logFile);
      await runLogged(
        spec,
        go,
        ['-C', dir, 'build', '-trimpath', ...(viaModule.ldflags ? ['-ldflags', viaModule.ldflags] : []), '-o', built, pkg],
        env,
        logFile,
      );
    } else {
      await runLogged(spec, go, ['install', `${pkg}@${version}`], { ...process.env, GOBIN: dir }, logFile);
      renameSync(join(dir, pkg.split('/').pop()!), built);
    }
    if (!existsSync(built)) return undefined;
    renameSync(built, join(cacheBinDir, spec.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  say(spec.name, `built ${join(cacheBinDir, spec.name)} (${version}) in ${formatMs(Date.now() - started)}`);
  return join(cacheBinDir, spec.name);
}

/** The one sentence for a tool that is missing and cannot be installed here. */
function missingSentence(spec: ToolSpec, aptWhy: string | undefined): string {
  const ways: string[] = [];
  if (spec.apt) {
    const cmd = `apt-get install -y --no-install-recommends ${spec.apt.packages.join(' ')}`;
    ways.push(
      aptWhy === 'not running as root' ? `run \`sudo ${cmd}\`` : `install ${spec.apt.packages.join(' ')} (Debian/Ubuntu: \`sudo ${cmd}\`)`,
    );
  }
  if (spec.go) ways.push(`install Go >= 1.24 (e.g. into /usr/local/go) so it can be built into ${cacheBinDir}`);
  if (spec.envVar) ways.push(`set ${spec.envVar} to an existing ${spec.name} binary`);
  return `${spec.name} is needed for ${spec.neededFor} and is not installed: ${ways.join(', or ')}, then run the command again.`;
}

/**
 * The path of the tool's binary, installing it when this machine allows it.
 * Throws ToolMissingError with one sentence saying what to install otherwise.
 */
export async function ensureTool(spec: ToolSpec): Promise<string> {
  const override = spec.envVar ? process.env[spec.envVar]?.trim() : undefined;
  if (override) {
    if (existsSync(override)) return override;
    throw new ToolMissingError(spec.name, `${spec.envVar}=${override} does not exist: point it at a ${spec.name} binary or unset it.`);
  }
  const found = spec.go ? await cachedGoTool({ ...spec, go: spec.go }) : findInstalled(spec);
  if (found) return found;

  const aptWhy = spec.apt ? aptUnusable() : 'no Debian package';
  if (spec.apt && !aptWhy) {
    const bin = await aptInstall({ ...spec, apt: spec.apt });
    if (bin) return bin;
    throw new ToolMissingError(
      spec.name,
      `${spec.name}: apt-get installed ${spec.apt.packages.join(' ')} but no binary turned up at ${[...(spec.paths ?? []), ...(spec.onPath ?? [])].join(', ')}.`,
    );
  }
  const go = spec.go ? which('go', GO_DIRS) : undefined;
  if (spec.go && go) {
    const bin = await goInstall({ ...spec, go: spec.go }, go);
    if (bin) return bin;
    throw new ToolMissingError(spec.name, `${spec.name}: go install finished but ${join(cacheBinDir, spec.name)} is missing.`);
  }
  throw new ToolMissingError(spec.name, missingSentence(spec, aptWhy));
}
