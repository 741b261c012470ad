/**
 * The steps of a buy and of a confirm that talk to Redis and MongoDB, from the request's guards
 * (rate limit, proof of work) to the engine's answer. They run in the purchase lane
 * (src/server/lane/): in the app, a thread of their own, so that under a flash crowd a payment's
 * five round trips do not each wait behind the thousands of page reads the main event loop
 * serves; in tests and scripts, in-process. orders.service.ts does the rest (workflow messages,
 * metrics, the answer's shape) and never waits on the lane more than once per request.
 */
import { holdSettings } from '@/engine/config';
import { AlreadyPurchasedError, NoActiveHoldError, SaleEndedError, ServiceUnavailableError } from '@/engine/errors';
import { faultPoint } from '@/engine/faults';
import { timeConfirmStep } from '@/engine/metrics';
import { findOrder, finishConfirm } from '@/engine/purchase';
import type { BuyReply } from '@/engine/scripts';
import type { OrderView } from '@/engine/contract';
import type { AppDeps } from '../deps';
import { checkRateLimit, type RateAction, type RateLimitSettings, type RateSubject } from '../ratelimit';
import { requirePowSolution, type PowSettings } from '../bot/pow';

/** What the lane's steps need: connections and settings, no Temporal. */
export type LaneDeps = Pick<AppDeps, 'redis' | 'scripts' | 'config' | 'mongo'>;

/**
 * Checks a request passes before it may touch the engine, each with the settings of the caller's
 * deps (plain data: they cross to the lane).
 */
export interface Guards {
  /** Counts the request against the action's limits (429 past them). */
  rateLimit?: { action: RateAction; subject: RateSubject; settings: RateLimitSettings };
  /** Bot defence: the solution the buyer sent, the field to name when it is refused, and the defence's settings. */
  pow?: { solution: unknown; field: string; settings: PowSettings };
}

/** Runs the guards in order: the rate limit, then the proof of work. */
export async function checkGuards(deps: Pick<LaneDeps, 'redis'>, guards: Guards | undefined): Promise<void> {
  if (guards?.rateLimit) {
    const { action, subject, settings } = guards.rateLimit;
    await checkRateLimit(deps.redis, settings, action, subject);
  }
  if (guards?.pow) await requirePowSolution({ redis: deps.redis, pow: guards.pow.settings }, guards.pow.solution, guards.pow.field);
}

export interface PurchaseStepInput {
  saleId: string;
  email: string;
  /** Checked first; left out when a step is retried within one request. */
  guards?: Guards;
}

/** A buy: its guards, then buy-11.lua (join the queue, first grant attempt). */
export async function buyStep(deps: LaneDeps, { saleId, email, guards }: PurchaseStepInput): Promise<BuyReply> {
  await checkGuards(deps, guards);
  return deps.scripts.buy(saleId, email, holdSettings(deps.config));
}

export type ConfirmStepResult =
  /** `claimed`: this request recorded the payment (false: it had been recorded before, e.g. a double click). */
  | { kind: 'paid'; order: OrderView; claimed: boolean }
  /** Redis does not have the sale (lost in an outage): rebuild it, then step again. */
  | { kind: 'lost' };

const NO_HOLD_REASONS: Record<string, string> = {
  expired: 'your hold expired',
  cancelled: 'you cancelled your hold',
  sold_out: 'the sale sold out',
  closed: 'the sale has ended',
};

/** How often a confirm that found another one in flight (a double click) looks again. */
const BUSY_POLL_MS = 50;

/**
 * A confirm: its guards, claim-11.lua (the hold becomes "confirming"), the MongoDB step and
 * consume-11.lua (engine/purchase.ts), or the order a finished confirm of this hold made.
 */
export async function confirmStep(deps: LaneDeps, { saleId, email, guards }: PurchaseStepInput): Promise<ConfirmStepResult> {
  await checkGuards(deps, guards);
  const giveUpAt = Date.now() + deps.config.confirmLeaseMs + 5_000;
  for (;;) {
    const c = await timeConfirmStep('claim', () => deps.scripts.claim(saleId, email, deps.config.confirmLeaseMs));
    switch (c.status) {
      case 'confirming': {
        await faultPoint(deps.config, 'confirm.after-claim');
        await deps.mongo();
        const order = await finishConfirm(deps, { saleId, email, token: c.token, price: c.price, atMs: c.atMs, fresh: c.fresh });
        return { kind: 'paid', order, claimed: true };
      }
      case 'paid': {
        // A double click, a retry, or a confirm finished by the workflow: the same order.
        await deps.mongo();
        const order = await findOrder(saleId, email);
        if (!order) throw AlreadyPurchasedError();
        return { kind: 'paid', order, claimed: false };
      }
      case 'busy':
        // Another confirm of this hold is in flight: its outcome is ours (or its lease runs out).
        if (Date.now() > giveUpAt) throw ServiceUnavailableError('Your payment is still being processed');
        await new Promise((r) => setTimeout(r, BUSY_POLL_MS));
        continue;
      case 'queued':
        throw NoActiveHoldError('you are still in the queue');
      case 'expired':
        throw NoActiveHoldError('your hold expired');
      case 'ended':
        throw SaleEndedError();
      case 'lost':
        return { kind: 'lost' };
      case 'none':
        throw NoActiveHoldError(NO_HOLD_REASONS[c.outcome]);
    }
  }
}
