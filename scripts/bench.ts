// npm run bench: the flash-sale scenario against the production build, with a report.
//
//   npm run bench                                   500 VUs, 100 units, 90 s (a few minutes in all)
//   npm run bench -- --vus=2000 --stock=1000 --duration=220   the original system's run
//   npm run bench -- --shopper-auth=verified        shoppers sign in with a code mailed through
//                                                   Mailpit and solve a proof of work per buy
//   npm run bench -- --temporal=postgres            the same on the dev server, then on the real
//                                                   Temporal server on PostgreSQL, side by side
//   npm run bench -- --help
//
// Per Temporal server: the stack (scripts/bench/stack.ts), the hot-read ceiling (ceiling.ts, first
// run only), the scenario (scenario.ts), its figures (figures.ts), a bare-start probe
// (start-probe.ts) and the report (report.ts, markdown.ts, output.ts) in reports/bench-<time>/
// (or <dir>/dev and <dir>/postgres beside a comparison, compare.ts).
import { join, relative, resolve } from 'node:path';
import { bold, describeError, fail, green, red, say } from './lib/log.js';
import { ensureDir, repoRoot } from './lib/paths.js';
import { liveProcesses, onShutdownSignal, type ManagedProcess } from './lib/proc.js';
import type { TemporalKind } from './lib/types.js';
import { runCeiling } from './bench/ceiling.js';
import { compare } from './bench/compare.js';
import { gatherFigures } from './bench/figures.js';
import { ensureK6, runningK6 } from './bench/k6.js';
import { fmt } from './bench/markdown.js';
import { parseOptions } from './bench/options.js';
import { writeComparison, writeRunReport } from './bench/output.js';
import { buildReport, ORIGINAL, type BenchReport } from './bench/report.js';
import { runScenario } from './bench/scenario.js';
import { ensureBuild, startStack, type Stack } from './bench/stack.js';
import { probeStarts } from './bench/start-probe.js';
import { machineInfo, toolVersion } from './bench/system.js';

/** The run's figures in one console line. */
function summaryLine(r: BenchReport): string {
  const x = r.results;
  const a = r.temporalActions;
  const { ms, num, int } = fmt;
  return (
    `${bold(`bench (${r.settings.temporalServer}, ${r.settings.shopperAuth} shoppers):`)} ${int(x.reqPerSec)} req/s (original ${ORIGINAL.reqPerSec}), failed ${(x.failureRate * 100).toFixed(2)}%, ` +
    `confirm p50/p95/p99 server ${ms(x.confirmMs.server.p50)}/${ms(x.confirmMs.server.p95)}/${ms(x.confirmMs.server.p99)}, ` +
    `client ${ms(x.confirmMs.client.p50)}/${ms(x.confirmMs.client.p95)}/${ms(x.confirmMs.client.p99)}, ` +
    `buy p95 server ${ms(x.buyMs.server.p95)} client ${ms(x.buyMs.client.p95)}, buy-to-paid p50 ${ms(x.buyToPaidMs.p50)}, ` +
    `hold-to-confirm p50 ${ms(x.holdToConfirmMs.p50)}, paid ${x.paidOrders}/${x.stock}, oversold ${x.oversell}, ` +
    `overtakes ${x.overtakes}, inversions ${x.fifoInversions}, Temporal actions/buyer ${num(a.allBuyers.perBuyer.actions)} ` +
    `(paid ${num(a.groups.paid?.perBuyer.actions ?? NaN)}, never got a unit ${num(a.groups['never got a unit']?.perBuyer.actions ?? NaN)}), ` +
    `Redis cmds/buyer ${num(r.costs.redis.callsPerBuyer)}, Mongo ops/buyer ${num(r.costs.mongo.perBuyer)}, app CPU ${num(r.costs.appCpuSecPer1000Requests)} s/1k req` +
    `${r.startProbe ? `, ${int(r.startProbe.perSec)} starts/s` : ''}; targets met ${r.targets.filter((t) => t.met).length}/${r.targets.length}` +
    verifiedLine(r)
  );
}

/** Verified runs: the sign-in and proof-of-work figures, p50/p95. */
function verifiedLine(r: BenchReport): string {
  const v = r.verifiedShoppers;
  if (!v) return '';
  const { ms, int } = fmt;
  const p = (l: { p50: number; p95: number }) => `${ms(l.p50)}/${ms(l.p95)}`;
  return (
    `; sign-in p50/p95: code request ${p(v.codeRequestMs.client)}, mail arrival ${p(v.mailArrivalMs)}, verify ${p(v.verifyMs.client)}, ` +
    `PoW solve ${p(v.powSolveMs)}; sign-ins ${int(v.signIns)} (failed ${int(v.signInFailures)}), buys refused by the bot defence ${int(v.buysRefusedByBotDefence)}`
  );
}

/** Correctness, not speed: a slow run on a busy machine still passes; a wrong one does not. */
const correct = (r: BenchReport) =>
  r.results.oversell === 0 &&
  r.results.paidEqualsStock &&
  r.results.failureRate < 0.01 &&
  r.results.overtakes === 0 &&
  // Verified shoppers: every code reached its mailbox and worked, and no honest buy was refused.
  (!r.verifiedShoppers || (r.verifiedShoppers.signInFailures === 0 && r.verifiedShoppers.buysRefusedByBotDefence === 0));

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseOptions>;
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    // A wrong option: its message, not a stack trace.
    fail('bench', describeError(err));
    process.exit(2);
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const outDir = ensureDir(opts.out ? resolve(process.cwd(), opts.out) : join(repoRoot, 'reports', `bench-${stamp}`));
  const command = `npm run bench -- ${process.argv
    .slice(2)
    .filter((a) => a !== '--')
    .join(' ')}`.trim();
  const kinds: TemporalKind[] = opts.temporal === 'postgres' ? ['dev', 'postgres'] : ['dev'];

  let stack: Stack | undefined;
  const extra: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      await runningK6()?.stop();
      await Promise.all(extra.map((p) => p.stop()));
      await stack?.stop();
      await Promise.all(liveProcesses().map((p) => p.stop()));
    })());
  onShutdownSignal(async () => {
    await stopAll();
    return 130;
  });

  try {
    await ensureBuild(opts, join(outDir, 'build.log'), (p) => extra.push(p));
    const k6 = await ensureK6();
    const k6Version = await toolVersion(k6, ['version']);
    const reports: BenchReport[] = [];
    for (const [i, kind] of kinds.entries()) {
      const dir = ensureDir(kinds.length > 1 ? join(outDir, kind) : outDir);
      const runStartedAt = new Date();
      const loadAtStart = machineInfo().loadAverage1m;
      stack = await startStack(opts, kind, dir, stamp);
      const ceiling = i === 0 && !opts.skipCeiling ? await runCeiling(stack, k6, opts, dir) : undefined;
      const run = await runScenario(stack, k6, opts, dir, stamp);
      say('bench', 'reading the ground truth: MongoDB, Redis, the admin overview, the workflow histories');
      const figures = await gatherFigures(stack, run, machineInfo().cores);
      const startProbe = opts.probeStarts ? await probeStarts(stack.temporal, opts.probeStarts) : undefined;
      const report = buildReport({ opts, stack, figures, ceiling, startProbe, startedAt: runStartedAt, loadAtStart, command, k6Version });
      writeRunReport(dir, report, run);
      reports.push(report);
      await stack.stop();
      stack = undefined;
      console.log(summaryLine(report));
    }
    if (reports.length > 1) writeComparison(outDir, compare(reports, command), reports);

    const ok = reports.every(correct);
    console.log('');
    for (const r of reports) console.log(summaryLine(r));
    if (reports[0]?.ceiling) {
      const t = Object.entries(reports[0].ceiling.targets);
      console.log(
        `${bold('bench:')} ceiling ${t.map(([n, v]) => `${n} ${Math.round(v.reqPerSec)} req/s (${Math.round(v.ratioToHello * 100)}%)`).join(', ')}`,
      );
    }
    console.log(`${bold('bench:')} report ${relative(process.cwd(), join(outDir, 'report.md'))} ${ok ? green('OK') : red('CHECK FAILED')}`);
    await stopAll();
    process.exit(ok ? 0 : 1);
  } catch (err) {
    fail('bench', describeError(err));
    await stopAll();
    process.exit(1);
  }
}

void main();
