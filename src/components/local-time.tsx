'use client';
import { useEffect, useState } from 'react';
import { formatDateTime } from './format';

const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A date in the reader's time zone; the server render (and hydration) shows UTC, then it switches. */
export function LocalTime({ date }: { date: Date | string }) {
  const d = typeof date === 'string' ? new Date(date) : date;
  const [text, setText] = useState(() => formatDateTime(d));
  const ms = d.getTime();
  useEffect(() => {
    setText(local.format(new Date(ms)));
  }, [ms]);
  return <time dateTime={d.toISOString()}>{text}</time>;
}
