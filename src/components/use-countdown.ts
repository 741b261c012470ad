'use client';
import { useEffect, useState } from 'react';

/**
 * Seconds left, counting down locally from the last value the server gave (`seconds`), so a
 * countdown is smooth between polls and immune to the browser's clock being off. The first render
 * (server and hydration) shows `seconds` exactly, so the markup matches.
 */
export function useCountdown(seconds: number | null | undefined, resetKey?: unknown): number | null {
  const [base, setBase] = useState<{ seconds: number | null | undefined; at: number }>({ seconds, at: 0 });
  const [, setTick] = useState(0);

  useEffect(() => {
    setBase({ seconds, at: Date.now() });
  }, [seconds, resetKey]);

  useEffect(() => {
    const id = setInterval(() => setTick((t) => t + 1), 250);
    return () => clearInterval(id);
  }, []);

  if (seconds === null || seconds === undefined) return null;
  if (!base.at || base.seconds !== seconds) return seconds;
  return Math.max(0, seconds - Math.floor((Date.now() - base.at) / 1000));
}
