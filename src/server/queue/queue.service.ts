/** The admin's live view of one sale's queue, holds and grants. */
import { fastPassThreshold } from '@/engine/config';
import { holdWorkflowId } from '@/engine/contract';
import { fairnessReport } from '@/engine/fairness';
import { saleKeys } from '@/engine/keys';
import { parseHoldEntry } from '@/engine/scripts';
import type { AppDeps } from '../deps';
import { getSale } from '../sales/sales.service';

export interface HoldRow {
  email: string;
  token: string;
  /** held, or confirming (a payment is being recorded). */
  state: 'held' | 'confirming';
  expiresAt: string;
  secondsLeft: number;
  workflowId: string;
  temporalUrl: string;
}

export const temporalWorkflowUrl = (deps: AppDeps, workflowId: string) =>
  `${deps.config.temporalUiUrl}/namespaces/${encodeURIComponent(deps.config.temporalNamespace)}/workflows/${encodeURIComponent(workflowId)}`;

export async function overview(deps: AppDeps, saleId: string) {
  const sale = await getSale(deps, saleId);
  const k = saleKeys(saleId);
  const [snap, holdsRaw, fairness, head] = await Promise.all([
    deps.scripts.snapshot(saleId),
    deps.redis.hgetall(k.holds),
    fairnessReport(deps, saleId),
    deps.redis.zrange(k.queue, 0, 9),
  ]);
  const { grants } = fairness;
  const threshold = fastPassThreshold(sale.startingQuantity, deps.config.fastPassPercent);
  const now = snap.nowMs;

  const holds: HoldRow[] = Object.entries(holdsRaw)
    .map(([email, raw]) => ({ email, h: parseHoldEntry(raw)! }))
    .sort((a, b) => a.h.expiresAtMs - b.h.expiresAtMs)
    .map(({ email, h }) => {
      const workflowId = holdWorkflowId(saleId, email);
      return {
        email,
        token: h.token,
        state: h.state,
        expiresAt: new Date(h.expiresAtMs).toISOString(),
        secondsLeft: Math.max(0, Math.ceil((h.expiresAtMs - now) / 1000)),
        workflowId,
        temporalUrl: temporalWorkflowUrl(deps, workflowId),
      };
    });

  // Grants per second over the last 60 s, oldest first.
  const perSecond = Array.from({ length: 60 }, () => 0);
  for (const g of grants) {
    const ago = Math.floor((now - g.atMs) / 1000);
    if (ago >= 0 && ago < 60) perSecond[59 - ago]! += 1;
  }

  return {
    sale,
    queueSize: snap.queueSize,
    queueHead: head,
    waitingRoomSize: snap.roomSize,
    holdsLive: snap.holdsLive,
    sold: sale.startingQuantity - sale.currentQuantity,
    available: Math.max(0, snap.stock),
    remaining: sale.currentQuantity,
    fastPass: { active: snap.stock <= threshold, threshold, percent: deps.config.fastPassPercent },
    grantsTotal: grants.length,
    grantsPerSecond: perSecond,
    recentGrants: grants
      .slice(-20)
      .reverse()
      .map((g) => ({ ...g, at: new Date(g.atMs).toISOString() })),
    fairness: {
      waitingRoom: {
        ...fairness.waitingRoom,
        openedAt: fairness.waitingRoom.openedAt === null ? null : new Date(fairness.waitingRoom.openedAt).toISOString(),
      },
      inversions: fairness.inversions,
      fastPassInversions: fairness.fastPassInversions,
      overtakes: fairness.overtakes,
      overtaken: fairness.overtaken,
      leftWithoutUnit: fairness.left.filter((l) => l.outcome === 'sold_out' || l.outcome === 'closed').length,
    },
    holds,
    reconciliation: {
      starting: sale.startingQuantity,
      sold: sale.startingQuantity - sale.currentQuantity,
      stock: snap.stock,
      holdsLive: snap.holdsLive,
      balanced: sale.startingQuantity - sale.currentQuantity + snap.stock + snap.holdsLive === sale.startingQuantity,
    },
    serverTime: new Date(now).toISOString(),
  };
}
