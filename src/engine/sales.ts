/** What the sale workflow does while the sale runs (tick) and when it ends (close). */
import { FlashSale, Order } from '@models/index';
import type { SaleFigures } from './contract';
import type { EngineDeps } from './deps';
import { dispatchSale, sweepOrphanHolds } from './dispatch';
import { ensureSaleInRedis, type SaleFacts } from './projection';
import { holdSettings } from './config';
import { saleKeys } from './keys';
import { recordRelease } from './metrics';
import { signalHold } from './temporal';

/** The sale workflow's tick: rebuild the sale if Redis lost it, recover orphaned holds, promote queue heads. */
export async function tickSale(deps: EngineDeps, saleId: string): Promise<{ waiting: boolean }> {
  await ensureSaleInRedis(deps, saleId);
  await sweepOrphanHolds(deps, saleId);
  await dispatchSale(deps, saleId);
  const s = await deps.scripts.snapshot(saleId);
  return { waiting: s.queueSize > 0 || s.holdsLive > 0 };
}

/**
 * At the sale's end: the queue empties, unpaid holds end with the sale (their deadline is the end,
 * or later if an admin moved the end earlier), and the figures that must reconcile are stored.
 */
export async function closeSale(deps: EngineDeps, saleId: string): Promise<SaleFigures> {
  const ended = await deps.scripts.close(saleId);
  for (const email of await deps.redis.hkeys(saleKeys(saleId).holds)) {
    const step = await deps.scripts.step(saleId, email, 'check', holdSettings(deps.config));
    if (step.kind === 'released') {
      recordRelease(step.outcome);
      ended.push(email);
    }
  }
  // The workflows of those who left the queue or lost their hold are told at once (off this
  // activity, with retries): in a sale ended early they would wait for their timers (minutes).
  for (const email of ended) {
    const lane = `${saleId}:${email}`;
    deps.background.runUnlessWaiting(
      `saleClosed:${lane}`,
      async () => signalHold(await deps.temporal(), deps.config, { saleId, email }, 'saleClosed'),
      lane,
    );
  }
  const snap = await deps.scripts.snapshot(saleId);
  const sale = await FlashSale.findById(saleId).lean<SaleFacts>();
  const figures: SaleFigures = {
    sold: sale ? sale.startingQuantity - sale.currentQuantity : snap.paidCount,
    stockLeft: snap.stock,
    holdsLive: snap.holdsLive,
    queued: snap.queueSize,
  };
  if (sale) {
    await FlashSale.updateOne({ _id: saleId }, { $set: { finalFigures: { ...figures, closedAt: new Date() } } });
    await removeSettledMarkers(saleId);
  }
  return figures;
}

/** Confirm markers a crash left on the sale although their order exists (see purchase.ts). */
async function removeSettledMarkers(saleId: string): Promise<void> {
  const doc = await FlashSale.findById(saleId).select('+pendingGrants').lean<{ pendingGrants?: Record<string, number> }>();
  const tokens = Object.keys(doc?.pendingGrants ?? {}).map((k) => k.slice(1));
  if (!tokens.length) return;
  const settled = await Order.find({ flashSaleId: saleId, grantToken: { $in: tokens } }).distinct('grantToken');
  if (settled.length)
    await FlashSale.updateOne({ _id: saleId }, { $unset: Object.fromEntries(settled.map((t) => [`pendingGrants.g${t}`, ''])) });
}
