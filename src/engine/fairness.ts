/**
 * Fairness of a sale, from its grant log and the log of queued buyers who left without a unit:
 *   inversions  pairs granted out of arrival order (any cause, e.g. an earlier buyer's own step ran
 *               later than a later buyer's);
 *   overtakes   a later arrival granted while an earlier buyer was waiting who then left without a
 *               unit (sold out or closed): the unfairness that matters, and 0 under the prefix rule.
 *
 * A sale's waiting room counts as one arrival moment: nobody in it came "before" anyone else in it
 * (in a random-order room the draw decides). At the opening its n buyers take arrival numbers
 * 1..n in the order they were placed (drawn, or by arrival in a fifo room), and everyone after the
 * opening arrives after all of them; the grant and departure logs carry those numbers, so the two
 * counts above judge the room by its placed order, and a room buyer is overtaken only if someone
 * placed behind them (or a later arrival) was granted while they waited and then left without a unit.
 */
import type { EngineDeps } from './deps';
import { saleKeys } from './keys';

export interface GrantRecord {
  token: string;
  email: string;
  arrival: number;
  atMs: number;
  mode: 'normal' | 'fastpass';
  via: 'buy' | 'workflow' | 'dispatch';
}

export interface LeftRecord {
  email: string;
  arrival: number;
  atMs: number;
  outcome: string;
}

export const parseGrant = (raw: string): GrantRecord => {
  const [token, email, arrival, atMs, mode, via] = raw.split('|');
  return {
    token: token!,
    email: email!,
    arrival: Number(arrival),
    atMs: Number(atMs),
    mode: mode as GrantRecord['mode'],
    via: via as GrantRecord['via'],
  };
};

export const parseLeft = (raw: string): LeftRecord => {
  const [email, arrival, atMs, outcome] = raw.split('|');
  return { email: email!, arrival: Number(arrival), atMs: Number(atMs), outcome: outcome! };
};

/** Pairs granted out of arrival order (i granted before j although j arrived first). O(n log n). */
export function countInversions(arrivals: number[]): number {
  const a = [...arrivals];
  const tmp = new Array<number>(a.length);
  const sort = (lo: number, hi: number): number => {
    if (hi - lo < 2) return 0;
    const mid = (lo + hi) >> 1;
    let n = sort(lo, mid) + sort(mid, hi);
    let i = lo;
    let j = mid;
    let k = lo;
    while (i < mid && j < hi) {
      if (a[i]! <= a[j]!) tmp[k++] = a[i++]!;
      else {
        tmp[k++] = a[j++]!;
        n += mid - i;
      }
    }
    while (i < mid) tmp[k++] = a[i++]!;
    while (j < hi) tmp[k++] = a[j++]!;
    for (let x = lo; x < hi; x++) a[x] = tmp[x]!;
    return n;
  };
  return sort(0, a.length);
}

/** Buyers who left the queue without a unit although they did not choose to. */
const INVOLUNTARY = new Set(['sold_out', 'closed']);

/**
 * Overtakes: pairs (left buyer L, grant g) with g.arrival > L.arrival and g granted before L left.
 * A sweep over time with a Fenwick tree over arrival ranks: O((grants + left) log n).
 */
export function countOvertakes(grants: GrantRecord[], left: LeftRecord[]): { overtakes: number; overtaken: number } {
  const losers = left.filter((l) => INVOLUNTARY.has(l.outcome)).sort((a, b) => a.atMs - b.atMs);
  if (!losers.length || !grants.length) return { overtakes: 0, overtaken: 0 };
  const byTime = [...grants].sort((a, b) => a.atMs - b.atMs);
  const ranks = [...new Set(grants.map((g) => g.arrival))].sort((a, b) => a - b);
  const tree = new Array<number>(ranks.length + 1).fill(0);
  const add = (i: number) => {
    for (i++; i <= ranks.length; i += i & -i) tree[i]!++;
  };
  const countUpTo = (i: number) => {
    let n = 0;
    for (i++; i > 0; i -= i & -i) n += tree[i]!;
    return n;
  };
  /** Index of the last rank <= v, or -1. */
  const rankOf = (v: number) => {
    let lo = 0;
    let hi = ranks.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ranks[mid]! <= v) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  };
  let g = 0;
  let added = 0;
  let overtakes = 0;
  let overtaken = 0;
  for (const l of losers) {
    while (g < byTime.length && byTime[g]!.atMs < l.atMs) {
      add(rankOf(byTime[g]!.arrival));
      added++;
      g++;
    }
    const later = added - countUpTo(rankOf(l.arrival));
    overtakes += later;
    if (later) overtaken++;
  }
  return { overtakes, overtaken };
}

/** How a sale's waiting room was used: mode null when the sale had none (and nobody waited). */
export interface WaitingRoomReport {
  /** The sale's setting (random | fifo), or null. */
  preQueue: 'random' | 'fifo' | null;
  /** How the room was placed at the opening; null before it opened, or when there was no room. */
  mode: 'random' | 'fifo' | null;
  /** Buyers placed at the opening (null before it, or after a Redis restore: it is not kept). */
  size: number | null;
  /** Buyers waiting now (before the opening). */
  waiting: number;
  openedAt: number | null;
}

export interface FairnessReport {
  waitingRoom: WaitingRoomReport;
  grants: GrantRecord[];
  left: LeftRecord[];
  inversions: number;
  fastPassInversions: number;
  overtakes: number;
  /** Buyers overtaken at least once. */
  overtaken: number;
}

/** The fairness figures of one sale, from Redis. */
export async function fairnessReport(deps: Pick<EngineDeps, 'redis'>, saleId: string): Promise<FairnessReport> {
  const k = saleKeys(saleId);
  const [grantsRaw, leftRaw, meta, waiting] = await Promise.all([
    deps.redis.lrange(k.grants, 0, -1),
    deps.redis.lrange(k.left, 0, -1),
    deps.redis.hmget(k.meta, 'preQueue', 'roomMode', 'roomSize', 'openedAt'),
    deps.redis.zcard(k.waiting),
  ]);
  const grants = grantsRaw.map(parseGrant);
  const left = leftRaw.map(parseLeft);
  const [preQueue, roomMode, roomSize, openedAt] = meta;
  const mode = (m: string | null | undefined) => (m === 'random' || m === 'fifo' ? m : null);
  return {
    waitingRoom: {
      preQueue: mode(preQueue),
      mode: mode(roomMode),
      size: roomSize ? Number(roomSize) : null,
      waiting,
      openedAt: openedAt ? Number(openedAt) : null,
    },
    grants,
    left,
    inversions: countInversions(grants.map((g) => g.arrival)),
    fastPassInversions: countInversions(grants.filter((g) => g.mode === 'fastpass').map((g) => g.arrival)),
    ...countOvertakes(grants, left),
  };
}
