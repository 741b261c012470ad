/**
 * Starts queued buyers' hold workflows off the request path, a bounded number at a time. The
 * Temporal dev server starts a few hundred workflows per second; a flash crowd of thousands must
 * not wait on that to be told its place in the queue. A start lost here (process crash) is made
 * good by the dispatcher, which signal-with-starts every buyer it promotes.
 */
import type { Client } from '@temporalio/client';
import type { EngineConfig } from '../config';
import { startHold } from './holds';

const MAX_IN_FLIGHT = 32;
const pending: { client: Client; config: EngineConfig; saleId: string; email: string }[] = [];
const queued = new Set<string>();
let inFlight = 0;
let failures = 0;

export function startHoldInBackground(client: Client, config: EngineConfig, saleId: string, email: string): void {
  const key = `${saleId}:${email}`;
  if (queued.has(key)) return;
  queued.add(key);
  pending.push({ client, config, saleId, email });
  pump();
}

function pump() {
  while (inFlight < MAX_IN_FLIGHT && pending.length) {
    const job = pending.shift()!;
    inFlight++;
    startHold(job.client, job.config, job.saleId, job.email)
      .catch((err) => {
        if (failures++ % 100 === 0) console.error(`[holds] background start failed (${failures} so far):`, (err as Error).message);
      })
      .finally(() => {
        inFlight--;
        queued.delete(`${job.saleId}:${job.email}`);
        pump();
      });
  }
}

/** Starts still waiting or running (for metrics and tests). */
export const backgroundStartsPending = () => pending.length + inFlight;
