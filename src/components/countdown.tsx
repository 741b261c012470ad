'use client';
import { formatDuration, spokenDuration } from './format';
import { useCountdown } from './use-countdown';

/** "Starts in 01:02:03" style countdown from a server-given number of seconds. */
export function Countdown({ seconds, label, testId }: { seconds: number; label: string; testId?: string }) {
  const left = useCountdown(seconds) ?? seconds;
  return (
    <span data-testid={testId}>
      {label}{' '}
      <span className="countdown" aria-label={spokenDuration(left)}>
        {formatDuration(left)}
      </span>
    </span>
  );
}
