// `--temporal=postgres`: the same scenario on the Temporal dev server and on the real server on
// PostgreSQL, one after the other in one command, side by side (each run keeps its full report in
// dev/ and postgres/).
import type { TemporalKind } from '../lib/types.js';
import { fmt, targetsTable } from './markdown.js';
import type { BenchReport } from './report.js';

const { ms, int, num, pct } = fmt;

export interface ComparisonRow {
  figure: string;
  values: Record<string, string>;
}

export interface Comparison {
  kind: 'comparison';
  startedAt: string;
  finishedAt: string;
  command: string;
  /** Each run's full report, relative to this one. */
  runs: Record<string, string>;
  rows: ComparisonRow[];
}

const LABEL: Record<TemporalKind, string> = { dev: 'dev server (SQLite)', postgres: 'server on PostgreSQL' };

/** CPU groups under one name whichever server ran (the Temporal server's group is named after its kind). */
const cpuRowName = (group: string) =>
  group.startsWith('Temporal') ? 'Temporal server' : group.startsWith('PostgreSQL') ? "PostgreSQL (the server's databases)" : group;

export function compare(reports: BenchReport[], command: string): Comparison {
  const rows: ComparisonRow[] = [];
  const row = (figure: string, value: (r: BenchReport) => string) =>
    rows.push({ figure, values: Object.fromEntries(reports.map((r) => [r.settings.temporalServer, value(r)])) });
  const op = (r: BenchReport, name: string) => r.engine.workflowStartMs.filter((w) => w.op === name || w.op.startsWith(`${name}:`));

  row('Temporal server', (r) => r.machine.temporal);
  row('workflow starts/s (bare starts after the load)', (r) =>
    r.startProbe ? `${int(r.startProbe.perSec)} (p50 ${ms(r.startProbe.p50Ms)}, p95 ${ms(r.startProbe.p95Ms)})` : 'not probed',
  );
  for (const name of ['start', 'signal_with_start']) {
    row(`${name.replace(/_/g, '-')} during the load: count, p50 / p95`, (r) => {
      const ws = op(r, name);
      if (!ws.length) return 'none';
      const count = ws.reduce((a, w) => a + w.count, 0);
      // The busiest op of the kind stands for it (signals are split by name).
      const top = [...ws].sort((a, b) => b.count - a.count)[0]!;
      return `${int(count)}, ${ms(top.p50)} / ${ms(top.p95)}${ws.length > 1 ? ` (${top.op})` : ''}`;
    });
  }
  row(
    'confirm p50 / p95 / p99, server side',
    (r) => `${ms(r.results.confirmMs.server.p50)} / ${ms(r.results.confirmMs.server.p95)} / ${ms(r.results.confirmMs.server.p99)}`,
  );
  row(
    'confirm p50 / p95 / p99, client side',
    (r) => `${ms(r.results.confirmMs.client.p50)} / ${ms(r.results.confirmMs.client.p95)} / ${ms(r.results.confirmMs.client.p99)}`,
  );
  row('buy p95, client / server side', (r) => `${ms(r.results.buyMs.client.p95)} / ${ms(r.results.buyMs.server.p95)}`);
  row('buy-to-paid median / p95', (r) => `${ms(r.results.buyToPaidMs.p50)} / ${ms(r.results.buyToPaidMs.p95)}`);
  row('hold-to-confirm median / p95', (r) => `${ms(r.results.holdToConfirmMs.p50)} / ${ms(r.results.holdToConfirmMs.p95)}`);
  row('Temporal actions per buyer: all / paid / never got a unit', (r) => {
    const a = r.temporalActions;
    return `${num(a.allBuyers.perBuyer.actions)} / ${num(a.groups.paid?.perBuyer.actions ?? NaN)} / ${num(a.groups['never got a unit']?.perBuyer.actions ?? NaN)}`;
  });
  row('workflow tasks per buyer', (r) => num(r.temporalActions.allBuyers.perBuyer.workflowTasks));
  row('Temporal actions, total (buyers + sale workflow)', (r) =>
    int(r.temporalActions.allBuyers.total.actions + r.temporalActions.saleWorkflow.actions),
  );
  // The PostgreSQL-backed run has every group the dev run has, and one more: its order leads.
  const groups = [...new Set([...reports].reverse().flatMap((r) => Object.keys(r.engine.cpuPercentOfOneCore).map(cpuRowName)))];
  for (const g of groups) {
    row(`CPU during the load, ${g}: average / peak (% of one core)`, (r) => {
      const hit = Object.entries(r.engine.cpuPercentOfOneCore).find(([k]) => cpuRowName(k) === g)?.[1];
      return hit ? `${hit.avg.toFixed(0)}% / ${hit.max.toFixed(0)}%` : '-';
    });
  }
  for (const g of [...new Set([...reports].reverse().flatMap((r) => Object.keys(r.costs.cpuSec).map(cpuRowName)))].filter((g) =>
    /Temporal|PostgreSQL|worker/.test(g),
  )) {
    row(`CPU per buyer, ${g}`, (r) => {
      const hit = Object.entries(r.costs.cpuSec).find(([k]) => cpuRowName(k) === g)?.[1];
      return hit ? `${num(hit.perBuyerMs)} ms` : '-';
    });
  }
  if (reports.some((r) => r.verifiedShoppers)) {
    const p50p95 = (l: { p50: number; p95: number } | undefined) => (l ? `${ms(l.p50)} / ${ms(l.p95)}` : '-');
    row('sign-in: code request p50 / p95', (r) => p50p95(r.verifiedShoppers?.codeRequestMs.client));
    row('sign-in: mail arrival p50 / p95', (r) => p50p95(r.verifiedShoppers?.mailArrivalMs));
    row('sign-in: verify p50 / p95', (r) => p50p95(r.verifiedShoppers?.verifyMs.client));
    row('proof-of-work solve per buy p50 / p95', (r) => p50p95(r.verifiedShoppers?.powSolveMs));
  }
  row('requests per second (k6)', (r) => int(r.results.reqPerSec));
  row('failed requests / refused confirms', (r) => `${pct(r.results.failureRate)} / ${int(r.results.confirmFailures)}`);
  row(
    'paid / stock, oversold, overtakes',
    (r) => `${r.results.paidOrders} / ${r.results.stock}, ${r.results.oversell}, ${r.results.overtakes}`,
  );
  row("issue 8's targets met", (r) => `${r.targets.filter((t) => t.met).length} of ${r.targets.length}`);

  const first = reports[0]!;
  return {
    kind: 'comparison',
    startedAt: first.startedAt,
    finishedAt: reports.at(-1)!.finishedAt,
    command,
    runs: Object.fromEntries(reports.map((r) => [r.settings.temporalServer, `${r.settings.temporalServer}/report.json`])),
    rows,
  };
}

export function comparisonMarkdown(c: Comparison, reports: BenchReport[]): string {
  const kinds = reports.map((r) => r.settings.temporalServer);
  const s = reports[0]!.settings;
  const lines: string[] = [];
  const out = (...l: string[]) => lines.push(...l);
  out(
    `# Flash-sale benchmark, ${s.shopperAuth} shoppers: Temporal dev server vs the server on PostgreSQL, ${c.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
  );
  out(
    `The same scenario (${s.vus.toLocaleString('en-US')} VUs, ${s.stock.toLocaleString('en-US')} units, ${s.durationSec} s) run twice in one command, one server after the other, ` +
      `each with a fresh stack (${reports.map((r) => `${LABEL[r.settings.temporalServer]}: ${r.settings.services}`).join('; ')}). ` +
      `Shoppers: SHOPPER_AUTH=${s.shopperAuth}, BOT_CHALLENGE=${s.botChallenge}. Command: \`${c.command}\`.`,
    '',
  );
  out(`| figure | ${kinds.map((k) => LABEL[k]).join(' | ')} |`, `| --- | ${kinds.map(() => '---:').join(' | ')} |`);
  for (const r of c.rows) out(`| ${r.figure} | ${kinds.map((k) => r.values[k] ?? '-').join(' | ')} |`);
  out('');
  out(
    'Both runs share the machine with k6 and everything else; the second run starts after the first has stopped. ' +
      'Starts/s is a probe of bare workflow starts on each server after its load (nothing polls their task queue), so the two servers are timed the same way.',
    '',
  );
  for (const r of reports) {
    out(
      `## ${LABEL[r.settings.temporalServer]}: targets`,
      '',
      ...targetsTable(r),
      '',
      `Full report: [${r.settings.temporalServer}/report.md](${r.settings.temporalServer}/report.md).`,
      '',
    );
  }
  return lines.join('\n');
}
