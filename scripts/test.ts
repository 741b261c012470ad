// npm test: start (or reuse) the services, then run
//   phase "unit+integration": node's test runner over tests/**/*.test.ts (NODE_ENV=test)
//   phase "e2e":              npx playwright test (if playwright.config.ts exists)
// and print one closing line "N passed, N failed[, N skipped]".
//
//   npm test                         both phases
//   npm run test:integration         --only=integration (--only=unit: the same)
//   npm run test:e2e                 --only=e2e
//   npm test -- tests/foo.test.ts    positional args select test files (substring match);
//   npm test -- --test-name-pattern=x   options go to `node --test`
//   npm test -- --temporal=postgres  the real Temporal server on PostgreSQL (fresh databases) instead
//                                    of the dev server, unless one answers at TEMPORAL_ADDRESS
//   (with --only=e2e, extra args go to `playwright test` instead)
import { existsSync, readdirSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { join, relative, sep } from 'node:path';
import { startServices, type RunningServices } from './services.js';
import { bold, describeError, fail, formatMs, green, red, say, yellow } from './lib/log.js';
import { localBin, repoRoot } from './lib/paths.js';
import { takeTemporalOption } from './lib/temporal-server.js';
import type { TemporalKind } from './lib/types.js';
import { liveProcesses, onShutdownSignal, spawnManaged, type ManagedProcess } from './lib/proc.js';
import { ensureTool, ToolMissingError } from './lib/provision.js';
import { CHROMIUM, PROMTOOL } from './lib/tools.js';

type PhaseName = 'integration' | 'e2e';

interface PhaseResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  crashed?: string;
  ms: number;
}

function parseArgs(all: string[]): { only?: PhaseName; temporal?: TemporalKind; extra: string[] } {
  let only: PhaseName | undefined;
  const extra: string[] = [];
  let passthrough = false;
  let temporal: TemporalKind | undefined;
  let argv: string[];
  try {
    ({ kind: temporal, rest: argv } = takeTemporalOption(all));
  } catch (err) {
    fail('test', err instanceof Error ? err.message : String(err));
    process.exit(2);
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (passthrough) {
      extra.push(a);
    } else if (a === '--') {
      passthrough = true;
    } else if (a.startsWith('--only=') || a === '--only') {
      const given = a === '--only' ? argv[++i] : a.slice('--only='.length);
      const v = given === 'unit' ? 'integration' : given; // the phase's former name
      if (v !== 'integration' && v !== 'e2e') {
        fail('test', `--only must be "integration" or "e2e", got ${JSON.stringify(given)}`);
        process.exit(2);
      }
      only = v;
    } else {
      extra.push(a);
    }
  }
  return { only, temporal, extra };
}

function findTestFiles(): string[] {
  const dir = join(repoRoot, 'tests');
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.test.ts') && !f.split(sep).includes('node_modules'))
    .map((f) => relative(repoRoot, join(dir, f)).split(sep).join('/'))
    .sort();
}

const stripAnsi = (s: string) => stripVTControlCharacters(s);

/** Last value of a summary counter such as "ℹ pass 12" (node spec reporter) or "# pass 12" (TAP). */
function lastCount(text: string, key: string): number | undefined {
  const re = new RegExp(`^\\s*(?:ℹ|#)\\s+${key}\\s+(\\d+)\\s*$`, 'gm');
  let m: RegExpExecArray | null;
  let v: number | undefined;
  while ((m = re.exec(text))) v = Number(m[1]);
  return v;
}

let current: ManagedProcess | undefined;

async function runPhase(
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stopSignal: NodeJS.Signals,
  /** Once this shows up in the output, the runner gets `graceMs` to exit before it is stopped. */
  done?: { marker: RegExp; graceMs: number },
): Promise<{ output: string; code: number | null; signal: string | null; killedAfterDone: boolean }> {
  let output = '';
  let watchdog: NodeJS.Timeout | undefined;
  let killedAfterDone = false;
  const proc = await spawnManaged(name, cmd, args, {
    cwd: repoRoot,
    env,
    output: {
      kind: 'tee',
      onData: (t) => {
        output += t;
        if (done && !watchdog && done.marker.test(stripAnsi(output.slice(-4096)))) {
          watchdog = setTimeout(() => {
            killedAfterDone = true;
            say('test', yellow(`${name}: runner printed its summary but has not exited after ${formatMs(done.graceMs)}; stopping it`));
            void proc.stop();
          }, done.graceMs);
        }
      },
    },
    stopSignal,
    stopTimeoutMs: 20_000,
  });
  current = proc;
  const exit = await proc.exited;
  if (watchdog) clearTimeout(watchdog);
  current = undefined;
  return { output: stripAnsi(output), code: exit.code, signal: exit.signal, killedAfterDone };
}

async function integrationPhase(env: NodeJS.ProcessEnv, extra: string[]): Promise<PhaseResult> {
  const t0 = Date.now();
  const name = 'unit+integration';
  const filters = extra.filter((a) => !a.startsWith('-'));
  const options = extra.filter((a) => a.startsWith('-'));
  let files = findTestFiles();
  if (filters.length) {
    const norm = (p: string) => p.replace(/^\.\//, '');
    files = files.filter((f) => filters.some((flt) => f === norm(flt) || f.includes(norm(flt))));
  }
  if (!files.length) {
    say('test', yellow(`${name}: no test files found (tests/**/*.test.ts${filters.length ? ` matching ${filters.join(' ')}` : ''})`));
    return { name, passed: 0, failed: 0, skipped: 0, flaky: 0, ms: Date.now() - t0 };
  }
  say('test', bold(`${name}: ${files.length} file(s) with node --test`));
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=1',
    '--test-timeout=300000',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    ...options,
    ...files,
  ];
  // Node 20's runner can hang after a file-level timeout (the timed-out file's process is left
  // running), so once the final summary is out it gets 30s to exit.
  const r = await runPhase(name, process.execPath, args, { ...env, NODE_ENV: 'test' }, 'SIGINT', {
    marker: /^\s*ℹ duration_ms \S+\s*$/m,
    graceMs: 30_000,
  });
  const pass = lastCount(r.output, 'pass');
  const failN = lastCount(r.output, 'fail');
  const result: PhaseResult = {
    name,
    passed: pass ?? 0,
    failed: (failN ?? 0) + (lastCount(r.output, 'cancelled') ?? 0),
    skipped: (lastCount(r.output, 'skipped') ?? 0) + (lastCount(r.output, 'todo') ?? 0),
    flaky: 0,
    ms: Date.now() - t0,
  };
  if (pass === undefined || failN === undefined) {
    result.crashed = `no test summary in the output (exit ${r.signal ?? r.code})`;
  } else if (r.code !== 0 && result.failed === 0 && !r.killedAfterDone) {
    result.crashed = `node --test exited with ${r.signal ?? r.code} although no test failed`;
  }
  return result;
}

async function e2ePhase(env: NodeJS.ProcessEnv, extra: string[]): Promise<PhaseResult> {
  const t0 = Date.now();
  const name = 'e2e';
  say('test', bold(`${name}: playwright test`));
  const pw = localBin('playwright');
  const [cmd, args] = pw ? [pw, ['test', ...extra]] : ['npx', ['playwright', 'test', ...extra]];
  const r = await runPhase(name, cmd, args, env, 'SIGINT');
  const count = (label: string) => {
    const re = new RegExp(`^\\s*(\\d+) ${label}\\b`, 'gm');
    let m: RegExpExecArray | null;
    let v: number | undefined;
    while ((m = re.exec(r.output))) v = Number(m[1]);
    return v;
  };
  const passed = count('passed');
  const failed = count('failed');
  const flaky = count('flaky');
  const skipped = count('skipped');
  const interrupted = count('interrupted');
  const didNotRun = count('did not run');
  const result: PhaseResult = {
    name,
    passed: (passed ?? 0) + (flaky ?? 0),
    failed: (failed ?? 0) + (interrupted ?? 0),
    skipped: (skipped ?? 0) + (didNotRun ?? 0),
    flaky: flaky ?? 0,
    ms: Date.now() - t0,
  };
  const sawSummary = [passed, failed, flaky, skipped, interrupted, didNotRun].some((v) => v !== undefined);
  if (r.code !== 0 && result.failed === 0) {
    result.crashed = `playwright exited with ${r.signal ?? r.code}${sawSummary ? '' : ' and printed no summary'}`;
  } else if (!sawSummary && !/No tests found/i.test(r.output)) {
    say('test', yellow('e2e: no "N passed" summary found in the Playwright output (is a summary reporter configured?)'));
  }
  return result;
}

async function main(): Promise<void> {
  const { only, temporal, extra } = parseArgs(process.argv.slice(2));
  const phases: PhaseName[] = only ? [only] : ['integration', 'e2e'];
  const hasPlaywright = existsSync(join(repoRoot, 'playwright.config.ts'));
  const results: PhaseResult[] = [];
  let services: RunningServices | undefined;
  let interrupted = false;

  onShutdownSignal(async () => {
    interrupted = true;
    await current?.stop();
    if (services) await services.stop();
    else await Promise.all(liveProcesses().map((p) => p.stop()));
    printSummary(results);
    return 130;
  });

  // The tools first: a missing one stops the run now, with one sentence, rather than mid-run.
  const tools = [...(phases.includes('integration') ? [PROMTOOL] : []), ...(phases.includes('e2e') && hasPlaywright ? [CHROMIUM] : [])];
  const toolPaths: Record<string, string> = {};
  for (const tool of tools) {
    try {
      toolPaths[tool.name] = await ensureTool(tool);
      say('test', `${tool.name}: ${toolPaths[tool.name]}`);
    } catch (err) {
      fail('test', err instanceof ToolMissingError ? describeError(err) : `${tool.name}: ${describeError(err)}`);
      if (err instanceof ToolMissingError && err.logTail) process.stderr.write(`${err.logTail}\n`);
      await Promise.all(liveProcesses().map((p) => p.stop()));
      results.push({ name: 'tools', passed: 0, failed: 0, skipped: 0, flaky: 0, crashed: `no ${tool.name} (see above)`, ms: 0 });
      printSummary(results);
      process.exit(1);
    }
  }
  const chromium = toolPaths[CHROMIUM.name];

  try {
    services = await startServices({ ephemeral: true, temporal });
  } catch (err) {
    fail('test', describeError(err));
    await Promise.all(liveProcesses().map((p) => p.stop()));
    results.push({ name: 'services', passed: 0, failed: 0, skipped: 0, flaky: 0, crashed: 'services did not start', ms: 0 });
    printSummary(results);
    process.exit(1);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...services.env, ...(chromium ? { CHROMIUM_PATH: chromium } : {}) };

  for (const phase of phases) {
    if (interrupted) break;
    try {
      if (phase === 'integration') {
        results.push(await integrationPhase(env, only === 'e2e' ? [] : extra));
      } else if (!hasPlaywright) {
        say('test', yellow('e2e: skipped (no playwright.config.ts at the repo root)'));
      } else {
        results.push(await e2ePhase(env, only === 'e2e' ? extra : []));
      }
    } catch (err) {
      fail('test', describeError(err));
      results.push({ name: phase, passed: 0, failed: 0, skipped: 0, flaky: 0, crashed: describeError(err), ms: 0 });
    }
  }
  if (interrupted) return new Promise<never>(() => {}); // the signal handler finishes and exits

  await services.stop();
  const bad = printSummary(results);
  process.exit(bad ? 1 : 0);
}

/** Prints per-phase lines and the closing "N passed, N failed" line. Returns true if anything failed. */
function printSummary(results: PhaseResult[]): boolean {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  console.log('');
  for (const r of results) {
    const crashedExtra = r.crashed ? 1 : 0;
    passed += r.passed;
    failed += r.failed + crashedExtra;
    skipped += r.skipped;
    const parts = [`${r.passed} passed`, `${r.failed} failed`];
    if (r.skipped) parts.push(`${r.skipped} skipped`);
    if (r.flaky) parts.push(`${r.flaky} flaky`);
    const state = r.crashed ? red(`CRASHED: ${r.crashed} (counted as 1 failure)`) : r.failed ? red('FAILED') : green('ok');
    console.log(`  ${r.name.padEnd(17)} ${parts.join(', ')} in ${formatMs(r.ms)}  ${state}`);
  }
  const closing = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  console.log(closing);
  return failed > 0;
}

main().catch((err) => {
  fail('test', describeError(err));
  process.exit(1);
});
