/** Stock left as a bar; the numbers are in the label for everyone, the bar is decoration. */
export function StockProgress({ remaining, starting }: { remaining: number; starting: number }) {
  const pct = starting > 0 ? Math.max(0, Math.min(100, (remaining / starting) * 100)) : 0;
  return (
    <div className="stack" style={{ gap: '0.3rem' }}>
      <div
        className="progress"
        role="progressbar"
        aria-label="Units left"
        aria-valuemin={0}
        aria-valuemax={starting}
        aria-valuenow={remaining}
        aria-valuetext={`${remaining} of ${starting} left`}
      >
        <span style={{ width: `${pct}%` }} />
      </div>
      <span className="small muted" data-testid="stock-left">
        {remaining} of {starting} left
      </span>
    </div>
  );
}
