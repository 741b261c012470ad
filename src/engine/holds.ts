/**
 * A hold workflow's one activity: read the buyer's state in Redis, do what is due (grant, release an
 * expired or cancelled hold, finish a confirm whose app died, leave the queue when nothing can come
 * back) and tell the workflow what to wait for next. The decisions are the step Lua script's.
 */
import { holdSettings } from './config';
import type { HoldOutcome, HoldStep } from './contract';
import type { EngineDeps } from './deps';
import { dispatchSale } from './dispatch';
import { recordGrant, recordRelease, recordTakeover } from './metrics';
import { finishConfirm } from './purchase';
import { DomainError } from './errors';
import { restoreInBackground } from './projection';

const LOST_RETRY_MS = 2_000;

const OUTCOMES: Record<string, HoldOutcome> = {
  purchased: 'confirmed',
  expired: 'expired',
  cancelled: 'cancelled',
  sold_out: 'sold_out',
};

export async function holdStep(
  deps: EngineDeps,
  saleId: string,
  email: string,
  intent: 'check' | 'cancel',
  knownArrival?: number,
): Promise<HoldStep> {
  for (;;) {
    const r = await deps.scripts.step(saleId, email, intent, holdSettings(deps.config), knownArrival);
    switch (r.kind) {
      case 'lost':
        // Redis came back empty: the sale is rebuilt off this workflow task (the rebuild queries
        // hold workflows, this one included); the workflow steps again shortly.
        restoreInBackground(deps, saleId);
        return { kind: 'lost', retryInMs: LOST_RETRY_MS };
      case 'queued':
        return { kind: 'queued', wakeAtMs: r.wakeAtMs, arrival: r.arrival };
      case 'waiting':
        // Asleep until the start: the first event after it opens the room and places this buyer.
        return { kind: 'queued', wakeAtMs: r.wakeAtMs, arrival: r.ticket, waiting: true };
      case 'held':
        if (r.grantedNow) recordGrant('workflow');
        return { kind: 'held', token: r.token, expiresAtMs: r.expiresAtMs, arrival: r.arrival };
      case 'confirming':
        return { kind: 'confirming', token: r.token, leaseUntilMs: r.leaseUntilMs };
      case 'finish':
        // The app that began this confirm died: finish it (or, if MongoDB refuses, end it unpaid).
        try {
          await finishConfirm(deps, { saleId, email, token: r.token, price: r.price, atMs: r.atMs, fresh: false });
          recordTakeover('paid');
        } catch (err) {
          if (!(err instanceof DomainError) || err.kind === 'SERVICE_UNAVAILABLE') throw err; // transient: retried
          recordTakeover(err.code);
        }
        intent = 'check';
        continue;
      case 'released':
        recordRelease(r.outcome);
        await dispatchSale(deps, saleId); // the unit goes to the next buyer in the queue
        return { kind: 'done', outcome: r.outcome };
      case 'done':
        // A departing head may let the next buyer through Fast Pass.
        if (r.outcome === 'cancelled') await dispatchSale(deps, saleId);
        return { kind: 'done', outcome: OUTCOMES[r.outcome] ?? 'closed' };
    }
  }
}
