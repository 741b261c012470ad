/**
 * The dispatcher: whoever frees or finds capacity (a release, a buyer leaving, the sale tick) grants
 * the queue heads in FIFO order under the sale's lock, then wakes each promoted buyer's workflow.
 * And the sweeper, the backstop for holds whose workflow never ran or was terminated.
 */
import { randomUUID } from 'node:crypto';
import { holdSettings } from './config';
import type { EngineDeps } from './deps';
import { saleKeys } from './keys';
import { recordGrant, recordRelease, recordTakeover } from './metrics';
import { parseHoldEntry, type Grant } from './scripts';
import { signalHold } from './temporal';
import { finishConfirm } from './purchase';

/**
 * Runs `fn` under a Redis lock (SET NX PX with a random owner token, released by compare-and-delete).
 * Waits up to `waitMs` for a busy lock; undefined when it could not be had (the holder, or the next
 * tick, does the work).
 */
export async function withLock<T>(
  deps: EngineDeps,
  key: string,
  fn: () => Promise<T>,
  waitMs = deps.config.lockTtlMs * 2,
): Promise<T | undefined> {
  const owner = randomUUID();
  const deadline = Date.now() + waitMs;
  while ((await deps.redis.set(key, owner, 'PX', deps.config.lockTtlMs, 'NX')) !== 'OK') {
    if (Date.now() >= deadline) return undefined;
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
  }
  try {
    return await fn();
  } finally {
    await deps.scripts.unlock(key, owner);
  }
}

/** Promotes queue heads while stock is free and wakes their workflows (signal-with-start). */
export async function dispatchSale(deps: EngineDeps, saleId: string): Promise<Grant[]> {
  const grants = (await withLock(deps, saleKeys(saleId).lock, () => deps.scripts.promote(saleId, holdSettings(deps.config)))) ?? [];
  if (grants.length) {
    recordGrant('dispatch', grants.length);
    const client = await deps.temporal();
    await Promise.all(
      grants.map((g) => signalHold(client, deps.config, { saleId, email: g.email, arrival: g.arrival, state: 'held' }, 'granted')),
    );
  }
  return grants;
}

/** Requests a dispatcher run off the request path, ahead of queued workflow messages (runs requested meanwhile are one run). */
export function dispatchInBackground(deps: EngineDeps, saleId: string): void {
  deps.background.runFirst(`dispatch:${saleId}`, () => dispatchSale(deps, saleId));
}

/**
 * Holds whose end passed more than the grace period ago: their workflow should have ended them and
 * did not (it never started, or an operator terminated it). Each gets the step its workflow would
 * have taken: an unpaid hold goes back to stock, a confirm whose app died is finished. Returns how
 * many holds it ended.
 */
export async function sweepOrphanHolds(deps: EngineDeps, saleId: string): Promise<number> {
  const holds = await deps.redis.hgetall(saleKeys(saleId).holds);
  const cutoff = Date.now() - deps.config.holdGraceSec * 1000;
  let ended = 0;
  for (const [email, raw] of Object.entries(holds)) {
    const h = parseHoldEntry(raw);
    if (!h || h.expiresAtMs >= cutoff) continue;
    const step = await deps.scripts.step(saleId, email, 'check', holdSettings(deps.config));
    if (step.kind === 'released') {
      recordRelease(step.outcome);
      ended++;
    } else if (step.kind === 'finish') {
      // A refusal (e.g. MongoDB has no unit left) ends the hold too: finishConfirm settles it.
      await finishConfirm(deps, { saleId, email, token: step.token, price: step.price, atMs: step.atMs, fresh: false }).then(
        () => recordTakeover('paid'),
        (err: unknown) => {
          recordTakeover((err as { code?: string }).code ?? 'error');
          console.warn(`[engine] sweeper: confirm of ${email} in ${saleId} refused: ${(err as Error).message}`);
        },
      );
      ended++;
    }
  }
  if (ended) await dispatchSale(deps, saleId);
  return ended;
}
