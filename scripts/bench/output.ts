// Writing a run's report directory (report.md, report.json, chart.png, chart.svg, the scraped
// metrics) and, for a comparison, the side-by-side report above the runs' directories.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartInputOf, renderPng, renderSvg } from './chart.js';
import { comparisonMarkdown, type Comparison } from './compare.js';
import { markdown } from './markdown.js';
import type { BenchReport } from './report.js';
import type { ScenarioRun } from './scenario.js';

export function writeRunReport(dir: string, report: BenchReport, run: ScenarioRun): void {
  const file = (name: string) => join(dir, name);
  writeFileSync(file('metrics-app.json'), JSON.stringify({ before: run.metrics.appBefore, after: run.metrics.appAfter }));
  writeFileSync(file('metrics-worker.json'), JSON.stringify({ before: run.metrics.workerBefore, after: run.metrics.workerAfter }));
  const chart = chartInputOf(report);
  writeFileSync(file('chart.png'), renderPng(chart));
  writeFileSync(file('chart.svg'), renderSvg(chart));
  writeFileSync(file('report.json'), JSON.stringify(report, null, 2));
  writeFileSync(file('report.md'), markdown(report));
}

export function writeComparison(dir: string, comparison: Comparison, reports: BenchReport[]): void {
  writeFileSync(join(dir, 'report.json'), JSON.stringify(comparison, null, 2));
  writeFileSync(join(dir, 'report.md'), comparisonMarkdown(comparison, reports));
}
