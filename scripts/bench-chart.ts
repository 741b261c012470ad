// npm run bench:chart -- <report.json> [--out=<dir>]
// Redraws a saved bench report's chart (chart.svg and chart.png, beside the report unless --out).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { chartInputOf, renderPng, renderSvg } from './bench/chart.js';
import { describeError, fail, say } from './lib/log.js';
import { ensureDir, rel } from './lib/paths.js';

const USAGE = 'usage: npm run bench:chart -- <report.json> [--out=<dir>]';

/** The parts of report.json the chart reads; anything else in the file is left alone. */
const ZReport = z.object({
  settings: z.object({ vus: z.number().int().positive(), durationSec: z.number().positive(), stock: z.number().int().nonnegative() }),
  results: z.object({
    reqPerSec: z.number(),
    failureRate: z.number(),
    latencyMs: z.object({ p95: z.number() }),
    soldOutAfterSec: z.number().nullable(),
  }),
  machine: z.object({ cores: z.number().int().positive() }),
  timeline: z.array(z.object({ t: z.number(), rps: z.number(), p50: z.number(), p95: z.number() })).min(1),
});

function main(): void {
  const args = process.argv.slice(2).filter((a) => a !== '--');
  const out = args.find((a) => a.startsWith('--out='))?.slice('--out='.length);
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && !a.startsWith('--out='));
  if (files.length !== 1 || unknown.length || out === '') {
    fail('bench:chart', unknown.length ? `unknown option ${unknown.join(' ')}; ${USAGE}` : USAGE);
    process.exit(2);
  }
  const file = resolve(files[0]!);
  let parsed: z.infer<typeof ZReport>;
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if ((json as { kind?: unknown } | null)?.kind === 'comparison') {
      // --temporal=postgres writes a comparison above the runs' own reports, which have the charts.
      const runs = Object.values((json as { runs?: Record<string, string> }).runs ?? {}).map((r) => rel(join(dirname(file), r)));
      fail('bench:chart', `${rel(file)} compares runs and has no chart of its own; redraw a run's: ${runs.join(' or ')}`);
      process.exit(2);
    }
    const r = ZReport.safeParse(json);
    if (!r.success) {
      fail('bench:chart', `${rel(file)} is not a bench report: ${z.prettifyError(r.error).replace(/\n/g, '; ')}`);
      process.exit(2);
    }
    parsed = r.data;
  } catch (err) {
    fail('bench:chart', `cannot read ${rel(file)}: ${describeError(err)}`);
    process.exit(2);
  }
  const input = chartInputOf(parsed as unknown as Parameters<typeof chartInputOf>[0]);
  const dir = ensureDir(out ? resolve(out) : dirname(file));
  const started = Date.now();
  writeFileSync(join(dir, 'chart.svg'), renderSvg(input));
  writeFileSync(join(dir, 'chart.png'), renderPng(input));
  say('bench:chart', `${rel(join(dir, 'chart.png'))} and chart.svg from ${rel(file)} in ${Date.now() - started} ms`);
}

main();
