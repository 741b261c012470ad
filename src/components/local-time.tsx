'use client';
import { useSyncExternalStore } from 'react';
import { formatDateTime } from './format';

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const never = () => () => undefined;

/** A date in the reader's time zone; the server render (and hydration) shows UTC, then it switches. */
export function LocalTime({ date }: { date: Date | string }) {
  const d = typeof date === 'string' ? new Date(date) : date;
  // true in the browser after hydration, false on the server and while hydrating.
  const inBrowser = useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
  return <time dateTime={d.toISOString()}>{inBrowser ? local.format(d) : formatDateTime(d)}</time>;
}
