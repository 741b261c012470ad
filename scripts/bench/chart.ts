// The bench chart: requests per second (with the VU count) and latency (p50, p95) over time.
// Apache ECharts draws it as SVG on the server (no browser, no DOM); resvg turns the SVG into
// the PNG the report embeds, with the machine's DejaVu Sans (fonts-dejavu-core).
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { stagesOf } from './options.js';
import type { BenchReport } from './report.js';

export interface ChartPoint {
  /** Seconds since the scenario started (bucket start). */
  t: number;
  rps: number;
  p50: number;
  p95: number;
}

export interface ChartInput {
  title: string;
  subtitle: string;
  points: ChartPoint[];
  vus: { t: number; v: number }[];
  marks: { t: number; label: string }[];
}

const W = 1200;
const H = 800;
const FONT = 'DejaVu Sans';

const C = {
  text: '#1d232b',
  muted: '#5b6470',
  grid: '#e3e6ea',
  rps: '#2f7fdc',
  vus: '#7b8590',
  p95: '#d64545',
  p50: '#2a9d5c',
  mark: '#b07400',
};

/** What the chart shows of a finished run (also how `npm run bench:chart` redraws a saved report). */
export function chartInputOf(report: Pick<BenchReport, 'settings' | 'results' | 'machine' | 'timeline'>): ChartInput {
  const { settings: s, results: r } = report;
  const st = stagesOf(s);
  const soldOut = r.soldOutAfterSec;
  return {
    title: `Flash sale: ${s.vus} VUs, ${s.stock} units`,
    subtitle:
      `${report.machine.cores} vCPU, k6 on the same machine: ${Math.round(r.reqPerSec)} req/s, ` +
      `p95 ${Math.round(r.latencyMs.p95)} ms, ${(r.failureRate * 100).toFixed(2)}% failed`,
    points: report.timeline,
    vus: [
      { t: 0, v: 0 },
      { t: st.half, v: Math.ceil(s.vus / 2) },
      { t: st.half + st.full, v: s.vus },
      { t: st.half + st.full + st.down, v: 0 },
    ],
    marks: soldOut !== null && soldOut >= 0 ? [{ t: soldOut, label: 'sold out' }] : [],
  };
}

export function renderSvg(input: ChartInput): string {
  const bucket = input.points.length > 1 ? input.points[1]!.t - input.points[0]!.t : 1;
  const mid = (p: ChartPoint) => p.t + bucket / 2;
  const tMax = Math.max(1, ...input.points.map((p) => p.t + bucket));
  // A log axis cannot show 0: an empty bucket is a gap.
  const positive = (v: number) => (v > 0 ? v : null);
  const markLine = {
    silent: true,
    symbol: 'none',
    lineStyle: { color: C.mark, type: 'dashed' as const, width: 1.5 },
    label: { color: C.mark, fontFamily: FONT, formatter: '{b}', position: 'insideEndTop' as const },
    data: input.marks.map((m) => ({ name: m.label, xAxis: m.t })),
  };
  const axisLabel = { color: C.muted, fontFamily: FONT, fontSize: 12 };
  const nameStyle = { color: C.text, fontFamily: FONT, fontSize: 13, align: 'left' as const };
  const timeAxis = (gridIndex: number, label: boolean) => ({
    type: 'value' as const,
    gridIndex,
    min: 0,
    max: Math.ceil(tMax / 10) * 10,
    axisLabel: { ...axisLabel, show: label, formatter: '{value} s' },
    axisLine: { lineStyle: { color: C.muted } },
    splitLine: { show: false },
    name: label ? 'time since the scenario started' : '',
    nameLocation: 'middle' as const,
    nameGap: 30,
    nameTextStyle: { color: C.muted, fontFamily: FONT },
  });

  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: W, height: H });
  chart.setOption({
    animation: false,
    backgroundColor: '#fff',
    textStyle: { fontFamily: FONT },
    title: {
      text: input.title,
      subtext: input.subtitle,
      left: 80,
      top: 18,
      textStyle: { color: C.text, fontFamily: FONT, fontSize: 24, fontWeight: 'bold' },
      subtextStyle: { color: C.muted, fontFamily: FONT, fontSize: 14 },
    },
    legend: {
      top: 90,
      left: 80,
      itemGap: 24,
      textStyle: { color: C.text, fontFamily: FONT, fontSize: 13 },
      data: ['requests per second', 'virtual users (right axis)', 'p95 latency', 'median latency'],
    },
    grid: [
      { left: 80, right: 80, top: 160, height: 230 },
      { left: 80, right: 80, top: 470, height: 250 },
    ],
    xAxis: [timeAxis(0, false), timeAxis(1, true)],
    yAxis: [
      {
        type: 'value',
        gridIndex: 0,
        name: 'requests per second',
        nameTextStyle: nameStyle,
        axisLabel,
        splitLine: { lineStyle: { color: C.grid } },
      },
      {
        type: 'value',
        gridIndex: 0,
        name: 'virtual users',
        nameTextStyle: { ...nameStyle, align: 'right' as const },
        position: 'right',
        axisLabel: { ...axisLabel, color: C.vus },
        splitLine: { show: false },
      },
      {
        type: 'log',
        logBase: 10,
        gridIndex: 1,
        name: 'latency, ms (log scale), by request start',
        nameTextStyle: nameStyle,
        axisLabel,
        splitLine: { lineStyle: { color: C.grid } },
      },
    ],
    series: [
      {
        name: 'requests per second',
        type: 'line',
        step: 'end', // each point starts a bucket: flat across it, then the next bucket's level
        xAxisIndex: 0,
        yAxisIndex: 0,
        symbol: 'none',
        lineStyle: { color: C.rps, width: 2 },
        itemStyle: { color: C.rps },
        areaStyle: { color: C.rps, opacity: 0.2 },
        data: [...input.points.map((p) => [p.t, p.rps]), [tMax, input.points.at(-1)?.rps ?? 0]],
        markLine,
      },
      {
        name: 'virtual users (right axis)',
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 1,
        symbol: 'none',
        lineStyle: { color: C.vus, width: 2, type: 'dashed' },
        itemStyle: { color: C.vus },
        data: input.vus.map((v) => [v.t, v.v]),
      },
      {
        name: 'p95 latency',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 2,
        symbol: 'none',
        lineStyle: { color: C.p95, width: 2.5 },
        itemStyle: { color: C.p95 },
        data: input.points.map((p) => [mid(p), positive(p.p95)]),
        markLine,
      },
      {
        name: 'median latency',
        type: 'line',
        xAxisIndex: 1,
        yAxisIndex: 2,
        symbol: 'none',
        lineStyle: { color: C.p50, width: 2 },
        itemStyle: { color: C.p50 },
        data: input.points.map((p) => [mid(p), positive(p.p50)]),
      },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export function renderPng(input: ChartInput): Buffer {
  const resvg = new Resvg(renderSvg(input), {
    background: '#fff',
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
  });
  return resvg.render().asPng();
}
