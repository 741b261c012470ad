// The bench chart: requests per second (with the VU count) and latency (p50, p95) over time,
// as a PNG (pure JS raster) and the same chart as SVG.
import { hex, Raster, textWidth, type Rgb } from './raster.js';

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
const LEFT = 90;
const RIGHT = 80;
const PANEL_H = 250;
const TOP1 = 130;
const TOP2 = TOP1 + PANEL_H + 90;

const C = {
  text: hex('#1d232b'),
  muted: hex('#6b7480'),
  grid: hex('#e3e6ea'),
  rps: hex('#2f7fdc'),
  vus: hex('#9aa3ad'),
  p95: hex('#d64545'),
  p50: hex('#2a9d5c'),
  mark: hex('#c98a12'),
};

/** A "nice" axis maximum and step for `max`. */
function niceAxis(max: number, ticks = 5): { top: number; step: number } {
  if (!(max > 0)) return { top: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

interface Scale {
  /** 0..1 position of a value on the axis. */
  pos: (v: number) => number;
  ticks: number[];
}

function linearScale(max: number): Scale {
  const { top, step } = niceAxis(max);
  const ticks: number[] = [];
  for (let v = 0; v <= top + 1e-9; v += step) ticks.push(v);
  return { pos: (v) => Math.min(v, top) / top, ticks };
}

/** Powers of ten from 1 up to the first one >= max. */
function logScale(max: number): Scale {
  const hi = Math.max(1, Math.ceil(Math.log10(Math.max(max, 10))));
  const ticks = Array.from({ length: hi + 1 }, (_, i) => 10 ** i);
  return { pos: (v) => Math.min(hi, Math.max(0, Math.log10(Math.max(v, 1)))) / hi, ticks };
}

const fmt = (v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : v >= 1000 ? `${(v / 1000).toFixed(1)}k` : v >= 10 ? String(Math.round(v)) : String(Math.round(v * 10) / 10));

interface Frame {
  x: (t: number) => number;
  tMax: number;
}

function frame(input: ChartInput): Frame {
  const tMax = Math.max(1, ...input.points.map((p) => p.t), ...input.vus.map((v) => v.t));
  return { tMax, x: (t) => LEFT + ((W - LEFT - RIGHT) * t) / tMax };
}

export function renderPng(input: ChartInput): Buffer {
  const r = new Raster(W, H);
  const f = frame(input);
  r.text(input.title, LEFT, 24, C.text, 3);
  r.text(input.subtitle, LEFT, 62, C.muted, 2);

  const panel = (
    top: number,
    yMax: number,
    label: string,
    series: { values: [number, number][]; color: Rgb; width: number; fill?: boolean }[],
    log = false,
  ) => {
    const scale = log ? logScale(yMax) : linearScale(yMax);
    const y = (v: number) => top + PANEL_H - PANEL_H * scale.pos(v);
    for (const v of scale.ticks) {
      r.line(LEFT, y(v), W - RIGHT, y(v), C.grid);
      r.text(fmt(v), LEFT - 8, y(v) - 7, C.muted, 2, 'right');
    }
    r.text(label, LEFT, top - 24, C.text, 2);
    for (const s of series) {
      if (s.fill) {
        for (const [t, v] of s.values) {
          const w = Math.max(1, f.x(t + bucket(input)) - f.x(t) - 1);
          r.rect(f.x(t), y(v), w, top + PANEL_H - y(v), s.color, 0.25);
        }
      }
      for (let i = 1; s.width > 0 && i < s.values.length; i++) {
        const [t0, v0] = s.values[i - 1]!;
        const [t1, v1] = s.values[i]!;
        r.line(f.x(t0), y(v0), f.x(t1), y(v1), s.color, s.width);
      }
    }
    r.line(LEFT, top + PANEL_H, W - RIGHT, top + PANEL_H, C.muted);
    for (const m of input.marks) {
      r.line(f.x(m.t), top, f.x(m.t), top + PANEL_H, C.mark, 1, 4);
    }
    return y;
  };

  const mid = (p: ChartPoint) => p.t + bucket(input) / 2;
  const rpsMax = Math.max(...input.points.map((p) => p.rps), 1);
  panel(TOP1, rpsMax, 'REQUESTS PER SECOND (BARS) AND VIRTUAL USERS (DASHED, RIGHT AXIS)', [
    { values: input.points.map((p) => [p.t, p.rps]), color: C.rps, width: 0, fill: true },
    { values: input.points.map((p) => [mid(p), p.rps]), color: C.rps, width: 3 },
  ]);
  // VUs on the right axis.
  const vMax = niceAxis(Math.max(1, ...input.vus.map((v) => v.v)));
  const vy = (v: number) => TOP1 + PANEL_H - (PANEL_H * v) / vMax.top;
  for (let v = 0; v <= vMax.top + 1e-9; v += vMax.step) r.text(fmt(v), W - RIGHT + 8, vy(v) - 7, C.vus, 2);
  for (let i = 1; i < input.vus.length; i++) {
    r.line(f.x(input.vus[i - 1]!.t), vy(input.vus[i - 1]!.v), f.x(input.vus[i]!.t), vy(input.vus[i]!.v), C.vus, 2, 6);
  }
  for (const m of input.marks) r.text(m.label, f.x(m.t) + 4, TOP1 + 4, C.mark, 2);

  const latMax = Math.max(...input.points.map((p) => p.p95), 1);
  panel(
    TOP2,
    latMax,
    'LATENCY MS, LOG SCALE: P95 (RED), MEDIAN (GREEN), BY REQUEST START',
    [
      { values: input.points.map((p) => [mid(p), p.p95]), color: C.p95, width: 3 },
      { values: input.points.map((p) => [mid(p), p.p50]), color: C.p50, width: 2 },
    ],
    true,
  );
  const { step } = niceAxis(f.tMax, 10);
  for (let t = 0; t <= f.tMax + 1e-9; t += step) {
    r.line(f.x(t), TOP2 + PANEL_H, f.x(t), TOP2 + PANEL_H + 6, C.muted);
    r.text(`${fmt(t)}S`, f.x(t), TOP2 + PANEL_H + 12, C.muted, 2, 'center');
  }
  const note = 'TIME SINCE THE SCENARIO STARTED';
  r.text(note, W - RIGHT - textWidth(note), TOP2 + PANEL_H + 36, C.muted, 2);
  return r.png();
}

const bucket = (input: ChartInput) => (input.points.length > 1 ? input.points[1]!.t - input.points[0]!.t : 1);

export function renderSvg(input: ChartInput): string {
  const f = frame(input);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${LEFT}" y="40" font-size="24" fill="#1d232b">${esc(input.title)}</text>`,
    `<text x="${LEFT}" y="72" font-size="14" fill="#6b7480">${esc(input.subtitle)}</text>`,
  ];
  const axis = (top: number, yMax: number, label: string, log = false) => {
    const scale = log ? logScale(yMax) : linearScale(yMax);
    const y = (v: number) => top + PANEL_H - PANEL_H * scale.pos(v);
    out.push(`<text x="${LEFT}" y="${top - 12}" font-size="14" fill="#1d232b">${esc(label)}</text>`);
    for (const v of scale.ticks) {
      out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y(v)}" y2="${y(v)}" stroke="#e3e6ea"/>`);
      out.push(`<text x="${LEFT - 8}" y="${y(v) + 4}" font-size="12" text-anchor="end" fill="#6b7480">${fmt(v)}</text>`);
    }
    for (const m of input.marks) out.push(`<line x1="${f.x(m.t)}" x2="${f.x(m.t)}" y1="${top}" y2="${top + PANEL_H}" stroke="#c98a12" stroke-dasharray="4 4"/>`);
    return y;
  };
  const path = (pts: [number, number][], y: (v: number) => number, color: string, width: number, dash = '') =>
    `<polyline fill="none" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${pts.map(([t, v]) => `${f.x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`;
  const b = bucket(input);
  const mid = (p: ChartPoint) => p.t + b / 2;

  const y1 = axis(TOP1, Math.max(1, ...input.points.map((p) => p.rps)), 'Requests per second (bars) and virtual users (dashed, right axis)');
  for (const p of input.points) {
    out.push(`<rect x="${f.x(p.t)}" y="${y1(p.rps)}" width="${Math.max(1, f.x(p.t + b) - f.x(p.t) - 1)}" height="${TOP1 + PANEL_H - y1(p.rps)}" fill="#2f7fdc" fill-opacity="0.25"/>`);
  }
  out.push(path(input.points.map((p) => [mid(p), p.rps]), y1, '#2f7fdc', 3));
  const vMax = niceAxis(Math.max(1, ...input.vus.map((v) => v.v)));
  const vy = (v: number) => TOP1 + PANEL_H - (PANEL_H * v) / vMax.top;
  for (let v = 0; v <= vMax.top + 1e-9; v += vMax.step) out.push(`<text x="${W - RIGHT + 8}" y="${vy(v) + 4}" font-size="12" fill="#9aa3ad">${fmt(v)}</text>`);
  out.push(path(input.vus.map((v) => [v.t, v.v]), vy, '#9aa3ad', 2, '6 6'));
  for (const m of input.marks) out.push(`<text x="${f.x(m.t) + 4}" y="${TOP1 + 14}" font-size="12" fill="#c98a12">${esc(m.label)}</text>`);

  const y2 = axis(TOP2, Math.max(1, ...input.points.map((p) => p.p95)), 'Latency (ms, log scale): p95 (red), median (green), by request start', true);
  out.push(path(input.points.map((p) => [mid(p), p.p95]), y2, '#d64545', 3));
  out.push(path(input.points.map((p) => [mid(p), p.p50]), y2, '#2a9d5c', 2));
  const { step } = niceAxis(f.tMax, 10);
  for (let t = 0; t <= f.tMax + 1e-9; t += step) {
    out.push(`<text x="${f.x(t)}" y="${TOP2 + PANEL_H + 20}" font-size="12" text-anchor="middle" fill="#6b7480">${fmt(t)}s</text>`);
  }
  out.push(`<text x="${W - RIGHT}" y="${TOP2 + PANEL_H + 44}" font-size="12" text-anchor="end" fill="#6b7480">time since the scenario started</text>`);
  out.push('</svg>');
  return out.join('\n');
}
