'use client';
import { useEffect, useState } from 'react';

/**
 * The current time, ticking every `everyMs`. Starts at `initialNow` (the server's clock when it
 * rendered), so the server render and the hydration render agree; then follows the browser clock.
 */
export function useNow(initialNow: number, everyMs = 1_000): number {
  const [now, setNow] = useState(initialNow);
  useEffect(() => {
    setNow(Date.now());
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
