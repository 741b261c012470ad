/**
 * The engine's Lua scripts (`lua/<name>-<numKeys>.lua`, each with a header documenting KEYS, ARGV
 * and the return value), defined on a Redis client once, when the client is created, and exposed as
 * typed wrappers. A script may say `--- @include "name"` to inline `lua/includes/name.lua` (shared
 * helpers: Redis runs each script alone, so sharing happens when the text is loaded).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { saleKeys, scriptKeys, signInCodeKey } from './keys';
import type { HoldSettings } from './config';

// Resolved from the project root (not import.meta.url) so the same path works under tsx, in the
// worker and inside Next's server bundle.
const luaDir = join(process.cwd(), 'src/engine/lua');

type Reply = (string | number)[];
const SCRIPT_NAMES = ['buy', 'step', 'claim', 'consume', 'abort', 'promote', 'snapshot', 'close', 'sync', 'unlock', 'otp'] as const;
type ScriptName = (typeof SCRIPT_NAMES)[number];
// Registered as `fs_<name>` so no script shadows an ioredis method or property (e.g. `status`).
type Commands = Record<`fs_${ScriptName}`, (...args: (string | number)[]) => Promise<Reply>>;
export type ScriptedRedis = Redis & Commands;

function loadLua(file: string): string {
  return readFileSync(join(luaDir, file), 'utf8').replace(/^--- @include "([\w-]+)"$/gm, (_, name: string) =>
    readFileSync(join(luaDir, 'includes', `${name}.lua`), 'utf8'),
  );
}

let sources: { name: ScriptName; numberOfKeys: number; lua: string }[] | undefined;
function scriptSources() {
  sources ??= readdirSync(luaDir).flatMap((file) => {
    const m = /^([a-z]+)-(\d+)\.lua$/.exec(file);
    if (!m) return [];
    const name = m[1] as ScriptName;
    if (!SCRIPT_NAMES.includes(name)) throw new Error(`lua/${file}: no typed wrapper for script "${name}"`);
    return [{ name, numberOfKeys: Number(m[2]), lua: loadLua(file) }];
  });
  return sources;
}

/**
 * A Redis connection with the engine's scripts defined (EVALSHA, reloaded automatically after a
 * SCRIPT FLUSH or a restart). Fails fast instead of queueing commands forever when Redis is down.
 */
export function createScriptedRedis(url: string): ScriptedRedis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableAutoPipelining: true,
    connectTimeout: 5_000,
  });
  for (const s of scriptSources()) redis.defineCommand(`fs_${s.name}`, { numberOfKeys: s.numberOfKeys, lua: s.lua });
  return redis as ScriptedRedis;
}

export type HoldState = 'held' | 'confirming';

export interface HoldEntry {
  token: string;
  expiresAtMs: number;
  arrival: number;
  state: HoldState;
  leaseUntilMs: number;
}

/** A hold entry as lua/includes/sale.lua reads it (state r: held, restored after a Redis loss). */
export const parseHoldEntry = (raw: string): HoldEntry | null => {
  const m = /^(\d+):(\d+):(\d+):([hcr]):(\d+)$/.exec(raw);
  if (!m) return null;
  return {
    token: m[1]!,
    expiresAtMs: Number(m[2]),
    arrival: Number(m[3]),
    state: m[4] === 'c' ? 'confirming' : 'held',
    leaseUntilMs: Number(m[5]),
  };
};

/** The entry of a hold rebuilt after a Redis loss (projection.ts); its lease, if any, has ended. */
export const restoredHoldEntry = (h: { token: string; expiresAtMs: number; arrival: number; state: HoldState }) =>
  `${h.token}:${h.expiresAtMs}:${h.arrival}:${h.state === 'confirming' ? 'c' : 'r'}:0`;

/** A buyer (or, without one, the sale) as one atomic Redis read sees it. */
export interface BuyerSnapshot {
  nowMs: number;
  stock: number;
  holdsLive: number;
  queueSize: number;
  paidCount: number;
  grantsTotal: number;
  /** 1-based place in the queue; 0 when not queued. */
  position: number;
  hold: HoldEntry | null;
  paid: boolean;
  outcome: string;
  /** 1-based place in the waiting room, by arrival (0 when not there). */
  roomPlace: number;
  /** Buyers in the waiting room (0 once it opened). */
  roomSize: number;
}

const toSnapshot = (r: Reply): BuyerSnapshot => ({
  nowMs: Number(r[0]),
  stock: Number(r[1]),
  holdsLive: Number(r[2]),
  queueSize: Number(r[3]),
  paidCount: Number(r[4]),
  grantsTotal: Number(r[5]),
  position: Number(r[6]),
  hold: r[7] ? parseHoldEntry(String(r[7])) : null,
  paid: Number(r[8]) === 1,
  outcome: String(r[9] ?? ''),
  roomPlace: Number(r[10] ?? 0),
  roomSize: Number(r[11] ?? 0),
});

/**
 * The seed of a waiting room's draw, handed to every script that may open the room: 256 bits
 * from the cryptographic random source (the script expands it; Redis' math.random is predictable).
 */
const roomSeed = () => randomBytes(32).toString('hex');

export type BuyStatus = 'held' | 'confirming' | 'queued' | 'waiting' | 'paid' | 'sold_out' | 'not_started' | 'ended' | 'no_sale';
export interface BuyReply {
  status: BuyStatus;
  joinedNow: boolean;
  grantedNow: boolean;
  /** The buyer's arrival sequence (their place in the sale's order), when in the sale; in the waiting room, their ticket. */
  arrival?: number;
  /** Present when the buyer is in the sale (held, confirming, queued, waiting). */
  view?: BuyerSnapshot;
}

export type StepReply =
  | { kind: 'lost' }
  | { kind: 'held'; token: string; expiresAtMs: number; grantedNow: boolean; arrival: number }
  | { kind: 'confirming'; token: string; leaseUntilMs: number }
  | { kind: 'finish'; token: string; atMs: number; price: number }
  | { kind: 'queued'; position: number; wakeAtMs: number; arrival: number }
  /** In the waiting room (place by arrival, ticket): sleep until the sale's start. */
  | { kind: 'waiting'; place: number; wakeAtMs: number; ticket: number }
  | { kind: 'released'; outcome: 'expired' | 'closed' | 'cancelled' }
  | { kind: 'done'; outcome: string };

export type ClaimReply =
  | { status: 'confirming'; token: string; price: number; fresh: boolean; atMs: number }
  | { status: 'busy'; token: string; leaseUntilMs: number }
  | { status: 'paid' | 'queued' | 'expired' | 'ended' | 'lost' }
  | { status: 'none'; outcome: string };

export interface Grant {
  email: string;
  token: string;
  expiresAtMs: number;
  arrival: number;
}

export interface HoldSettingsWithLease extends HoldSettings {
  leaseMs: number;
  recheckMs: number;
}

/** Typed access to the sale scripts of one scripted connection. */
export function saleScripts(redis: ScriptedRedis) {
  const run = (name: ScriptName, saleId: string, ...args: (string | number)[]) => {
    const k = saleKeys(saleId);
    return redis[`fs_${name}`](...scriptKeys(k), k.holdPrefix, ...args);
  };
  return {
    async buy(saleId: string, email: string, s: HoldSettings): Promise<BuyReply> {
      const r = await run('buy', saleId, email, s.holdTtlMs, s.graceMs, s.fastPassPercent, roomSeed());
      return {
        status: r[0] as BuyStatus,
        joinedNow: Number(r[1]) === 1,
        grantedNow: Number(r[2]) === 1,
        arrival: r.length > 3 ? Number(r[3]) : undefined,
        view: r.length > 4 ? toSnapshot(r.slice(4)) : undefined,
      };
    },

    /** `knownArrival`: the buyer's ArrivalSeq as their workflow knows it (puts back a buyer a rebuild missed). */
    async step(
      saleId: string,
      email: string,
      intent: 'check' | 'cancel',
      s: HoldSettingsWithLease,
      knownArrival?: number,
    ): Promise<StepReply> {
      const r = await run(
        'step',
        saleId,
        email,
        intent,
        s.holdTtlMs,
        s.graceMs,
        s.fastPassPercent,
        s.leaseMs,
        s.recheckMs,
        roomSeed(),
        knownArrival ?? '',
      );
      const [kind, a, b, c, d] = r;
      switch (kind) {
        case 'lost':
          return { kind };
        case 'held':
          return { kind, token: String(a), expiresAtMs: Number(b), grantedNow: Number(c) === 1, arrival: Number(d) };
        case 'confirming':
          return { kind, token: String(a), leaseUntilMs: Number(b) };
        case 'finish':
          return { kind, token: String(a), atMs: Number(b), price: Number(c) };
        case 'queued':
          return { kind, position: Number(a), wakeAtMs: Number(b), arrival: Number(c) };
        case 'waiting':
          return { kind, place: Number(a), wakeAtMs: Number(b), ticket: Number(c) };
        case 'released':
          return { kind, outcome: a as 'expired' | 'closed' | 'cancelled' };
        default:
          return { kind: 'done', outcome: String(a) };
      }
    },

    async claim(saleId: string, email: string, leaseMs: number): Promise<ClaimReply> {
      const [status, token, price, fresh, atMs, outcome] = await run('claim', saleId, email, leaseMs);
      switch (status) {
        case 'confirming':
          return { status, token: String(token), price: Number(price), fresh: Number(fresh) === 1, atMs: Number(atMs) };
        case 'busy':
          return { status, token: String(token), leaseUntilMs: Number(atMs) };
        case 'none':
          return { status, outcome: String(outcome) };
        default:
          return { status: status as 'paid' | 'queued' | 'expired' | 'ended' | 'lost' };
      }
    },

    async consume(saleId: string, email: string, token: string): Promise<boolean> {
      return Number(await run('consume', saleId, email, token)) === 1;
    },

    async abort(saleId: string, email: string, token: string, outcome: 'sold_out' | 'closed' | 'purchased'): Promise<boolean> {
      return Number(await run('abort', saleId, email, token, outcome)) === 1;
    },

    async promote(saleId: string, s: HoldSettings, max = 100): Promise<Grant[]> {
      const flat = await run('promote', saleId, s.holdTtlMs, s.graceMs, s.fastPassPercent, max, roomSeed());
      const grants: Grant[] = [];
      for (let i = 0; i + 3 < flat.length; i += 4) {
        grants.push({ email: String(flat[i]), token: String(flat[i + 1]), expiresAtMs: Number(flat[i + 2]), arrival: Number(flat[i + 3]) });
      }
      return grants;
    },

    async snapshot(saleId: string, email = ''): Promise<BuyerSnapshot> {
      return toSnapshot(await run('snapshot', saleId, email));
    },

    /** At the sale's end: everyone still queued (or in a room that never opened) leaves without a unit. Returns how many. */
    async close(saleId: string): Promise<string[]> {
      return (await run('close', saleId, roomSeed())) as string[];
    },

    /** Writes the sale's facts where Redis has the sale; false when it must be rebuilt instead. */
    async sync(saleId: string, meta: Record<string, string | number>): Promise<boolean> {
      return Number(await run('sync', saleId, ...Object.entries(meta).flat())) === 1;
    },

    async unlock(lockKey: string, owner: string): Promise<boolean> {
      return Number(await redis.fs_unlock(lockKey, owner)) === 1;
    },
  };
}

export type SaleScripts = ReturnType<typeof saleScripts>;

export type CodeCheck = { status: 'ok' | 'dead' | 'used' | 'expired' | 'none' } | { status: 'wrong'; triesLeft: number };

/** A shopper's one-time sign-in code in Redis (lua/otp-1.lua); the caller hashes the codes. */
export function signInCodeScript(redis: ScriptedRedis) {
  return {
    /** Stores a new code (the shopper's earlier one stops working); resolves to when it expires. */
    async issue(email: string, hash: string, ttlMs: number, keepMs: number): Promise<number> {
      const [, expiresAtMs] = await redis.fs_otp(signInCodeKey(email), 'issue', hash, ttlMs, keepMs);
      return Number(expiresAtMs);
    },
    async check(email: string, hash: string, triesAllowed: number): Promise<CodeCheck> {
      const [status, left] = await redis.fs_otp(signInCodeKey(email), 'check', hash, triesAllowed);
      return status === 'wrong' ? { status, triesLeft: Number(left) } : { status: status as 'ok' | 'dead' | 'used' | 'expired' | 'none' };
    },
  };
}
