/**
 * Loads every Lua script in ./scripts (named `<name>-<numKeys>.lua`) onto an ioredis client with
 * defineCommand (EVALSHA with automatic reload) and exposes typed, key-building wrappers.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { holdKey, saleKeys } from './keys';

// Resolved from the project root (not import.meta.url) so the same path works under tsx, in the
// worker and inside Next's server bundle.
const scriptsDir = join(process.cwd(), 'src/server/redis/scripts');

type Raw = (string | number)[];
type ScriptName = 'join' | 'grant' | 'promote' | 'release' | 'leave' | 'consume' | 'snapshot';
// Registered as `fs_<name>` so no script shadows an ioredis method or property (e.g. `status`).
type Commands = Record<`fs_${ScriptName}`, (...args: (string | number)[]) => Promise<Raw>>;

const loaded = new WeakSet<Redis>();

function defineScripts(redis: Redis): Redis & Commands {
  if (!loaded.has(redis)) {
    for (const file of readdirSync(scriptsDir)) {
      const m = /^([a-z]+)-(\d+)\.lua$/.exec(file);
      if (!m) continue;
      redis.defineCommand(`fs_${m[1]!}`, { numberOfKeys: Number(m[2]), lua: readFileSync(join(scriptsDir, file), 'utf8') });
    }
    loaded.add(redis);
  }
  return redis as Redis & Commands;
}

export type JoinStatus = 'queued' | 'held' | 'paid' | 'sold_out' | 'not_started' | 'ended' | 'no_sale';
export type GrantStatus = 'granted' | 'wait' | 'sold_out' | 'not_started' | 'closed' | 'not_queued' | 'no_sale';
export type LeaveOutcome = 'cancelled' | 'sold_out' | 'closed';
export type ReleaseOutcome = 'expired' | 'cancelled' | 'closed';

export interface Grant {
  email: string;
  token: string;
  expiresAtMs: number;
}

export interface HoldEntry {
  token: string;
  expiresAtMs: number;
  arrival: number;
}

export const parseHoldEntry = (raw: string): HoldEntry | null => {
  const [token, expiresAt, arrival] = raw.split(':');
  return token ? { token, expiresAtMs: Number(expiresAt), arrival: Number(arrival) } : null;
};

export interface SaleSnapshot {
  nowMs: number;
  stock: number;
  holdsLive: number;
  queueSize: number;
  sold: number;
  grantsTotal: number;
  position: number;
  hold: HoldEntry | null;
  paid: boolean;
  outcome: string;
}

export interface HoldSettings {
  holdTtlMs: number;
  graceMs: number;
  fastPassPercent: number;
}

/** Typed access to the sale scripts. One instance per Redis connection. */
export function saleScripts(client: Redis) {
  const redis = defineScripts(client);
  return {
    async join(saleId: string, email: string) {
      const k = saleKeys(saleId);
      const [status, position, size, isNew] = await redis.fs_join(
        k.meta, k.queue, k.arrivalSeq, k.paid, k.holds, k.stock, k.outcome, email,
      );
      return { status: status as JoinStatus, position: Number(position), size: Number(size), isNew: isNew === 1 };
    },

    async grant(saleId: string, email: string, s: HoldSettings) {
      const k = saleKeys(saleId);
      const [status, token, expiresAt, stock] = await redis.fs_grant(
        k.meta, k.queue, k.stock, k.holds, k.grantSeq, k.grants, holdKey(saleId, email),
        email, s.holdTtlMs, s.graceMs, s.fastPassPercent,
      );
      return { status: status as GrantStatus, token: String(token), expiresAtMs: Number(expiresAt), stock: Number(stock) };
    },

    async promote(saleId: string, s: HoldSettings, max = 100): Promise<Grant[]> {
      const k = saleKeys(saleId);
      const flat = await redis.fs_promote(
        k.meta, k.queue, k.stock, k.holds, k.grantSeq, k.grants,
        s.holdTtlMs, s.graceMs, k.holdPrefix, max,
      );
      const grants: Grant[] = [];
      for (let i = 0; i + 2 < flat.length; i += 3) {
        grants.push({ email: String(flat[i]), token: String(flat[i + 1]), expiresAtMs: Number(flat[i + 2]) });
      }
      return grants;
    },

    async release(saleId: string, email: string, token: string, outcome: ReleaseOutcome) {
      const k = saleKeys(saleId);
      const n = await redis.fs_release(k.holds, k.stock, holdKey(saleId, email), k.outcome, k.queue, email, token, outcome);
      return Number(n) === 1;
    },

    /** Returns true when a unit went back to stock (the buyer had just been promoted). */
    async leave(saleId: string, email: string, outcome: LeaveOutcome) {
      const k = saleKeys(saleId);
      const n = await redis.fs_leave(k.queue, k.outcome, k.holds, k.stock, holdKey(saleId, email), email, outcome);
      return Number(n) === 2;
    },

    async consume(saleId: string, email: string, token: string) {
      const k = saleKeys(saleId);
      return Number(await redis.fs_consume(k.holds, holdKey(saleId, email), k.paid, k.outcome, email, token)) === 1;
    },

    async status(saleId: string, email = ''): Promise<SaleSnapshot> {
      const k = saleKeys(saleId);
      const r = await redis.fs_snapshot(k.meta, k.queue, k.stock, k.holds, k.paid, k.outcome, k.grants, email);
      return {
        nowMs: Number(r[0]),
        stock: Number(r[1]),
        holdsLive: Number(r[2]),
        queueSize: Number(r[3]),
        sold: Number(r[4]),
        grantsTotal: Number(r[5]),
        position: Number(r[6]),
        hold: r[7] ? parseHoldEntry(String(r[7])) : null,
        paid: Number(r[8]) === 1,
        outcome: String(r[9] ?? ''),
      };
    },
  };
}

export type SaleScripts = ReturnType<typeof saleScripts>;
