// Reading the app's and worker's Prometheus text: samples, label filters, histogram quantiles,
// and the difference between two scrapes (what happened during the scenario).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseProm(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const matches = (s: Sample, name: string, filter: Record<string, string>) =>
  s.name === name && Object.entries(filter).every(([k, v]) => s.labels[k] === v);

/** Sum of matching samples. */
export const sum = (samples: Sample[], name: string, filter: Record<string, string> = {}) =>
  samples.filter((s) => matches(s, name, filter)).reduce((a, s) => a + s.value, 0);

/** after - before, sample by sample (counters and histogram series). */
export function delta(before: Sample[], after: Sample[]): Sample[] {
  const key = (s: Sample) => `${s.name}${JSON.stringify(s.labels)}`;
  const prev = new Map(before.map((s) => [key(s), s.value]));
  return after.map((s) => ({ ...s, value: s.value - (prev.get(key(s)) ?? 0) }));
}

/** Quantile q of a histogram (summed over the series matching `filter`), in the metric's unit. */
export function histogramQuantile(samples: Sample[], name: string, q: number, filter: Record<string, string> = {}): number {
  const buckets = new Map<number, number>();
  for (const s of samples) {
    if (!matches(s, `${name}_bucket`, filter)) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (!total) return NaN;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(1, count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

export async function scrape(url: string): Promise<Sample[]> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? parseProm(await res.text()) : [];
  } catch {
    return [];
  }
}
