/** Simulated buyers driving the real engine through the tRPC caller, as the web app does. */
import { FlashSale, Order } from '@models/index';
import { holdStateQuery, holdWorkflowId } from '@/engine/contract';
import { shopper, type Engine } from './engine';

export type Behaviour = 'confirm' | 'cancel' | 'abandon';
export type BuyerOutcome = 'purchased' | 'cancelled' | 'abandoned' | 'sold_out' | 'closed' | 'refused';

export interface BuyerResult {
  email: string;
  outcome: BuyerOutcome;
  heldAfterMs?: number;
  error?: string;
  /** 503 answers met on the way (an outage), each retried as a shopper would. */
  unavailable?: number;
  /** Times this buyer had to buy again (their place was lost in an outage). */
  rebought?: number;
}

/** A 503 (a backing service down, or a sale being restored): retry after a moment. */
const isUnavailable = (err: unknown) => /unavailable|being restored/i.test((err as Error)?.message ?? '');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One buyer: buy, poll until held or turned away, then confirm / cancel / walk away. */
export async function runBuyer(
  engine: Engine,
  saleId: string,
  email: string,
  behaviour: Behaviour,
  opts: {
    giveUpAfterMs?: number;
    pollMs?: number;
    /** Through an outage: retry 503s, and buy again if the place in the queue was lost. */
    patient?: boolean;
    /** Time a holder takes before paying, cancelling or walking away (random up to this), ms. */
    thinkMs?: number;
  } = {},
): Promise<BuyerResult> {
  const api = engine.as(shopper(email));
  const t0 = Date.now();
  const deadline = t0 + (opts.giveUpAfterMs ?? 120_000);
  let unavailable = 0;
  let rebought = 0;
  /** Runs a call; a patient buyer retries it while the answer is 503. */
  const call = async <T>(fn: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await fn();
      } catch (err) {
        if (!opts.patient || !isUnavailable(err) || Date.now() > deadline) throw err;
        unavailable++;
        await sleep(250);
      }
    }
  };
  const buy = async (): Promise<BuyerResult | undefined> => {
    try {
      await call(() => api.orders.buy({ flashSaleId: saleId }));
      return undefined;
    } catch (err) {
      const msg = (err as Error).message;
      return {
        email,
        outcome: /sold out/i.test(msg) ? 'sold_out' : /already bought/i.test(msg) ? 'purchased' : 'refused',
        error: msg,
        unavailable,
        rebought,
      };
    }
  };
  const refused = await buy();
  if (refused) return refused;
  for (;;) {
    const p = await call(() => api.orders.position({ flashSaleId: saleId }));
    if (opts.patient && p.status === 'none') {
      // The outage took this buyer's place (their workflow had not started yet): buy again.
      rebought++;
      const again = await buy();
      if (again) return again;
      continue;
    }
    if (p.status === 'held') {
      const heldAfterMs = Date.now() - t0;
      if (opts.thinkMs) await sleep(Math.random() * opts.thinkMs);
      if (behaviour === 'confirm') {
        const paid = await call(() => api.orders.confirm({ flashSaleId: saleId })).then(
          () => true,
          async (err) => {
            // An outage took the hold (its workflow had just started): the buyer is back in the
            // queue at their arrival, or, if no workflow ran yet, buys again.
            if (opts.patient && /you have no hold|still in the queue/.test((err as Error).message)) return false;
            throw new Error(`${email}: ${(err as Error).message}; ${await diagnose(engine, saleId, email)}`);
          },
        );
        if (paid) return { email, outcome: 'purchased', heldAfterMs, unavailable, rebought };
        rebought++;
        const again = await buy();
        if (again) return again;
        continue;
      }
      if (behaviour === 'cancel') {
        await call(() => api.orders.cancel({ flashSaleId: saleId })).catch(async (err) => {
          // An outage took a hold whose workflow had not started yet: there is nothing left to cancel.
          if (opts.patient && /not in the queue/.test((err as Error).message)) return;
          throw new Error(`${email}: ${(err as Error).message}; ${await diagnose(engine, saleId, email)}`);
        });
        return { email, outcome: 'cancelled', heldAfterMs, unavailable, rebought };
      }
      return { email, outcome: 'abandoned', heldAfterMs, unavailable, rebought };
    }
    if (p.status === 'sold_out' || p.status === 'closed') return { email, outcome: p.status, unavailable, rebought };
    if (p.status === 'purchased') return { email, outcome: 'purchased', unavailable, rebought };
    if (Date.now() > deadline)
      return { email, outcome: 'refused', error: `still ${p.status} after ${opts.giveUpAfterMs}ms`, unavailable, rebought };
    await sleep(opts.pollMs ?? 100);
  }
}

/** What the hold workflow and Redis say about a buyer: attached to unexpected failures. */
export async function diagnose(engine: Engine, saleId: string, email: string): Promise<string> {
  const handle = (await engine.deps.temporal()).workflow.getHandle(holdWorkflowId(saleId, email));
  const [d, history, snap, state] = await Promise.all([
    handle.describe().catch(() => null),
    handle.fetchHistory().catch(() => null),
    engine.deps.scripts.snapshot(saleId, email),
    handle.query(holdStateQuery).catch(() => null),
  ]);
  const events = (history?.events ?? []).map((e) => {
    const act = e.activityTaskScheduledEventAttributes?.activityType?.name;
    return `${e.eventTime ? new Date(Number(e.eventTime.seconds) * 1000 + Math.floor((e.eventTime.nanos ?? 0) / 1e6)).toISOString().slice(17, 23) : ''} ${String(e.eventType)}${act ? `(${act})` : ''}`;
  });
  return `workflow ${d?.status.name ?? 'none'} ${JSON.stringify(state)} ${JSON.stringify(d?.searchAttributes ?? {})}; redis ${JSON.stringify(snap)}; history ${events.join(', ')}`;
}

/** The numbers that must always reconcile, from MongoDB and Redis. */
export async function saleLedger(engine: Engine, saleId: string) {
  const sale = await FlashSale.findById(saleId).lean();
  const snap = await engine.deps.scripts.snapshot(saleId);
  const paidOrders = await Order.countDocuments({ flashSaleId: saleId, paymentStatus: 'paid' });
  return {
    starting: sale!.startingQuantity,
    mongoQuantity: sale!.currentQuantity,
    mongoSold: sale!.startingQuantity - sale!.currentQuantity,
    paidOrders,
    redisStock: snap.stock,
    redisPaid: snap.paidCount,
    holdsLive: snap.holdsLive,
    queueSize: snap.queueSize,
  };
}

/** Samples the Redis invariant paid + stock + holds == starting until `stop` resolves. */
export function watchRedisBalance(engine: Engine, saleId: string, starting: number) {
  let running = true;
  const violations: string[] = [];
  let samples = 0;
  const done = (async () => {
    while (running) {
      const s = await engine.deps.scripts.snapshot(saleId);
      samples++;
      if (s.paidCount + s.stock + s.holdsLive !== starting || s.stock < 0) {
        violations.push(`paid ${s.paidCount} + stock ${s.stock} + holds ${s.holdsLive} != ${starting}`);
      }
      await sleep(20);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await done;
      return { samples, violations };
    },
  };
}
