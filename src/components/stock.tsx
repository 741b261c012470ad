/**
 * How many units a buyer can still get, told honestly: "left" hides units that other buyers
 * hold and may still pay for. The numbers are text for everyone; the bars are decoration.
 */

const units = (n: number) => `${n} unit${n === 1 ? '' : 's'}`;

function Bar({ parts, total }: { parts: { n: number; className: string }[]; total: number }) {
  return (
    <div className="stock-bar" aria-hidden="true">
      {parts.map((p) =>
        p.n > 0 && total > 0 ? <span key={p.className} className={p.className} style={{ width: `${(p.n / total) * 100}%` }} /> : null,
      )}
    </div>
  );
}

/** The sale page: available now / held by others / sold, and what joining the queue means now. */
export function StockBreakdown({
  starting,
  remaining,
  available,
  holdsLive,
  state,
}: {
  starting: number;
  /** Units not sold yet (held ones included). */
  remaining: number;
  /** Units free to be granted right now (neither held nor sold). */
  available: number;
  holdsLive: number;
  state: 'upcoming' | 'ongoing' | 'ended';
}) {
  const sold = Math.max(0, starting - remaining);
  const held = Math.min(holdsLive, remaining);
  const free = Math.min(available, remaining - held);
  let summary: string;
  if (remaining === 0) summary = `Sold out: ${starting === 1 ? 'the only unit is' : `all ${starting} units are`} paid for.`;
  else if (state === 'upcoming') summary = `${units(starting)} go on sale when it starts.`;
  else if (state === 'ended') summary = `The sale has ended: ${sold} of ${starting} sold.`;
  else if (free > 0) summary = `${free} of ${starting} available now.`;
  else
    summary = 'Every unit left is held by a buyer who has not paid yet: join the queue and you get one if a holder does not pay in time.';
  return (
    <div className="stack stock" style={{ gap: '0.4rem' }}>
      <Bar
        total={starting}
        parts={[
          { n: sold, className: 'sold' },
          { n: held, className: 'held' },
          { n: free, className: 'free' },
        ]}
      />
      <p className="stock-summary" data-testid="stock-summary" aria-live="polite">
        {summary}
      </p>
      <dl className="stock-figures small">
        <div>
          <dt>{state === 'upcoming' ? 'For sale' : 'Available now'}</dt>
          <dd data-testid="stock-available">{state === 'upcoming' ? remaining : free}</dd>
        </div>
        <div>
          <dt>Held by buyers paying</dt>
          <dd data-testid="stock-held">{held}</dd>
        </div>
        <div>
          <dt>Sold</dt>
          <dd data-testid="stock-sold">{sold}</dd>
        </div>
      </dl>
    </div>
  );
}

/** A sale card: the shop front knows only what is paid for, so it says that and no more. */
export function StockSold({ starting, remaining }: { starting: number; remaining: number }) {
  const sold = Math.max(0, starting - remaining);
  return (
    <div className="stack stock" style={{ gap: '0.3rem' }}>
      <Bar total={starting} parts={[{ n: sold, className: 'sold' }]} />
      <span className="small muted" data-testid="stock-sold">
        {remaining === 0 ? `Sold out (${units(starting)})` : `${sold} of ${starting} sold`}
      </span>
    </div>
  );
}
