/**
 * The bench chart (scripts/bench/chart.ts) drawn from the committed 2,000-VU report, and
 * `npm run bench:chart` refusing a file that is not a report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartInputOf, renderPng, renderSvg } from '../scripts/bench/chart';

const report = JSON.parse(readFileSync('docs/benchmarks/2000-vus-seed-scenario/report.json', 'utf8'));

describe('bench chart', () => {
  it('takes its curves from the report: VU stages, the timeline and the sold-out mark', () => {
    const input = chartInputOf(report);
    assert.equal(input.title, 'Flash sale: 2000 VUs, 1000 units');
    assert.deepEqual(input.vus, [
      { t: 0, v: 0 },
      { t: 11, v: 1000 },
      { t: 209, v: 2000 },
      { t: 220, v: 0 },
    ]);
    assert.equal(input.points.length, report.timeline.length);
    assert.deepEqual(input.marks, [{ t: 44.34, label: 'sold out' }]);
  });

  it('draws an SVG with the title, the legend and the mark, and a 1200 x 800 PNG of it', () => {
    const input = chartInputOf(report);
    const svg = renderSvg(input);
    assert.match(svg, /^<svg[^>]+width="1200"[^>]+height="800"/);
    for (const text of [
      'Flash sale: 2000 VUs, 1000 units',
      'requests per second',
      'virtual users (right axis)',
      'p95 latency',
      'median latency',
      'sold out',
    ]) {
      assert.ok(svg.includes(text), `SVG shows "${text}"`);
    }
    const png = renderPng(input);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.equal(png.readUInt32BE(16), 1200, 'width');
    assert.equal(png.readUInt32BE(20), 800, 'height');
    assert.ok(png.length > 20_000, `a drawn chart, not a blank page (${png.length} bytes)`);
  });

  it('npm run bench:chart redraws a report into --out and refuses a file that is not a report', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
    try {
      const ok = spawnSync(
        process.execPath,
        ['--import', 'tsx', 'scripts/bench-chart.ts', 'docs/benchmarks/2000-vus-seed-scenario/report.json', `--out=${dir}`],
        { encoding: 'utf8' },
      );
      assert.equal(ok.status, 0, ok.stderr);
      assert.ok(readFileSync(join(dir, 'chart.png')).length > 20_000);
      assert.match(readFileSync(join(dir, 'chart.svg'), 'utf8'), /Flash sale: 2000 VUs/);

      const bad = join(dir, 'not-a-report.json');
      writeFileSync(bad, JSON.stringify({ ...report, timeline: [{ t: 0, rps: 'many' }] }));
      const refused = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/bench-chart.ts', bad], { encoding: 'utf8' });
      assert.equal(refused.status, 2);
      assert.match(refused.stderr, /is not a bench report: .*timeline/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
