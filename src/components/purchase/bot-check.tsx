'use client';
/**
 * The bot defence on the sale page: the altcha widget solves the server's proof-of-work challenge
 * (GET /api/v1/challenge) in Web Workers and hands the solution to the buy. Everything is served
 * from this origin: the widget's external build (no blob: workers, no inline styles to inject)
 * with its stylesheet, and its SHA-256 worker at WORKER_URL (src/app/altcha/worker.js/route.ts).
 * Each solution buys once, so after every buy the widget solves a fresh challenge.
 */
import 'altcha/altcha.css';
import type {} from 'altcha/types/react';
import { useEffect, useRef, useState } from 'react';

const CHALLENGE_URL = '/api/v1/challenge';
const WORKER_URL = '/altcha/worker.js';

type AltchaGlobal = { $altcha?: { algorithms: Map<string, () => Worker> } };
type Widget = HTMLElement & { reset: () => void; verify: () => Promise<unknown> };

let loading: Promise<void> | undefined;

/** Defines <altcha-widget> (once, in the browser only) with our own worker for SHA-256. */
function loadWidget(): Promise<void> {
  loading ??= import('altcha/external').then(() => {
    (globalThis as AltchaGlobal).$altcha!.algorithms.set('SHA-256', () => new Worker(WORKER_URL));
  });
  return loading;
}

/**
 * The widget, solving on its own as soon as it is shown; `onSolved` gets each solution (null while
 * none is ready). Bump `round` after a buy used the solution: the widget solves a new challenge.
 */
export function BotCheck({ onSolved, round }: { onSolved: (payload: string | null) => void; round: number }) {
  const ref = useRef<Widget>(null);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let live = true;
    void loadWidget().then(() => live && setReady(true));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!ready || !el) return;
    const onState = (e: Event) => {
      const d = (e as CustomEvent<{ state: string; payload?: string }>).detail;
      onSolved(d.state === 'verified' && d.payload ? d.payload : null);
    };
    el.addEventListener('statechange', onState);
    return () => el.removeEventListener('statechange', onState);
  }, [ready, onSolved]);

  // A used solution is worth nothing: solve the next challenge for the next buy.
  useEffect(() => {
    const el = ref.current;
    if (!ready || !el || round === 0) return;
    onSolved(null);
    el.reset();
    void el.verify();
  }, [ready, round, onSolved]);

  return (
    <div className="bot-check stack" data-testid="bot-check">
      {ready ? (
        <altcha-widget ref={ref} challenge={CHALLENGE_URL} auto="onload" name="altcha" />
      ) : (
        <p className="small muted">Loading the check that you are a person…</p>
      )}
      <p className="hint">Your browser does a moment of work to show it is not a bot; no data about you is sent anywhere else.</p>
    </div>
  );
}
