'use client';
/**
 * Running a live sale: pause it (nothing is granted, the queue keeps its order, holders keep their
 * deadline and may still pay), resume it, or move its end later.
 */
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { api } from '@/trpc/react';
import { errorInfo } from './errors';
import { LocalTime } from './local-time';

export function SaleLifecycle({ id, endsAt, pausedAt }: { id: string; endsAt: Date; pausedAt: Date | null }) {
  const router = useRouter();
  const [minutes, setMinutes] = useState('15');
  const [done, setDone] = useState<string | null>(null);
  const after = (what: string) => ({
    onMutate: () => setDone(null),
    onSuccess: () => {
      setDone(what);
      router.refresh();
    },
  });
  const pause = api.sales.pause.useMutation(after('Paused: nothing is granted until you resume.'));
  const resume = api.sales.resume.useMutation(after('Resumed: the queue moves again.'));
  const extend = api.sales.extend.useMutation(after('The end moved.'));
  const busy = pause.isPending || resume.isPending || extend.isPending;
  const failed = pause.error ?? resume.error ?? extend.error;
  const extraMinutes = Number(minutes);
  const minutesOk = Number.isInteger(extraMinutes) && extraMinutes >= 1 && extraMinutes <= 7 * 24 * 60;

  return (
    <section className="card stack" aria-labelledby="lifecycle-title" data-testid="sale-lifecycle">
      <h2 id="lifecycle-title">Run the sale</h2>
      <p className="small" data-testid="lifecycle-state">
        {pausedAt ? (
          <>
            <strong>Paused</strong> since <LocalTime date={pausedAt} />: buyers may join the queue, nobody is granted a unit; holders keep
            their time and may pay.
          </>
        ) : (
          <>
            <strong>Running</strong> until <LocalTime date={endsAt} />.
          </>
        )}
      </p>
      <div className="row">
        {pausedAt ? (
          <button type="button" className="btn" disabled={busy} onClick={() => resume.mutate({ id })}>
            {resume.isPending ? 'Resuming…' : 'Resume sale'}
          </button>
        ) : (
          <button type="button" className="btn secondary" disabled={busy} onClick={() => pause.mutate({ id })}>
            {pause.isPending ? 'Pausing…' : 'Pause sale'}
          </button>
        )}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (minutesOk) extend.mutate({ id, endsAt: new Date(endsAt.getTime() + extraMinutes * 60_000) });
        }}
      >
        <label className="row small" style={{ fontWeight: 600 }}>
          Extend the end by
          <input
            className="inline-input"
            type="number"
            inputMode="numeric"
            min={1}
            max={7 * 24 * 60}
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
            aria-invalid={!minutesOk}
            aria-describedby={minutesOk ? undefined : 'extend-minutes-error'}
          />
          minutes
        </label>
        <button type="submit" className="btn secondary" disabled={busy || !minutesOk}>
          {extend.isPending ? 'Extending…' : 'Extend'}
        </button>
      </form>
      {!minutesOk && (
        <p id="extend-minutes-error" className="field-error">
          Enter whole minutes, from 1 to 10080 (a week).
        </p>
      )}
      {failed && (
        <div className="notice bad" role="alert">
          {errorInfo(failed).message}
        </div>
      )}
      {done && !failed && (
        <div className="notice ok" role="status">
          {done}
        </div>
      )}
    </section>
  );
}
