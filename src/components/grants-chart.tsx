/** Bars for grants per second over the last 60 s (oldest left), as plain SVG. */
export function GrantsChart({ values }: { values: number[] }) {
  const W = 600;
  const H = 140;
  const pad = { l: 28, r: 6, t: 8, b: 18 };
  const max = Math.max(1, ...values);
  const total = values.reduce((a, b) => a + b, 0);
  const peak = Math.max(0, ...values);
  const bw = (W - pad.l - pad.r) / Math.max(1, values.length);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  return (
    <svg
      className="chart"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Grants per second over the last 60 seconds: ${total} in total, peak ${peak} per second`}
      data-testid="grants-chart"
      data-total={total}
    >
      <line className="axis" x1={pad.l} x2={W - pad.r} y1={H - pad.b} y2={H - pad.b} />
      <line className="axis" x1={pad.l} x2={pad.l} y1={pad.t} y2={H - pad.b} />
      <text x={pad.l - 4} y={pad.t + 8} textAnchor="end">
        {max}
      </text>
      <text x={pad.l - 4} y={H - pad.b} textAnchor="end">
        0
      </text>
      <text x={pad.l} y={H - 4}>
        −60 s
      </text>
      <text x={W - pad.r} y={H - 4} textAnchor="end">
        now
      </text>
      {values.map((v, i) =>
        v > 0 ? (
          <rect key={i} className="bar" x={pad.l + i * bw + 1} y={y(v)} width={Math.max(1, bw - 2)} height={H - pad.b - y(v)} />
        ) : null,
      )}
    </svg>
  );
}
