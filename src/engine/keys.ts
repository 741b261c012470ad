/**
 * Every Redis key of the engine, built in one place. The sale id is wrapped in a literal hash tag
 * (`{saleId}`) so all keys of one sale share a Redis Cluster slot and each Lua script stays
 * single-slot. Names follow the original system (fsq, fsh, fsinv, fslock, fsmeta, ...).
 */
const tag = (saleId: string) => `{${saleId}}`;

export const saleKeys = (saleId: string) => {
  const t = tag(saleId);
  return {
    /** HASH of the sale facts the scripts need: startsAt, endsAt (ms), initial, price, name, preQueue, openedAt. */
    meta: `fsmeta:${t}`,
    /** ZSET email -> arrival sequence: the FIFO queue. */
    queue: `fsq:${t}`,
    /** Counter handing out arrival sequence numbers (strict order, no timestamp ties). */
    arrivals: `fsseq:${t}`,
    /** Shadow inventory: units neither held nor sold. */
    stock: `fsinv:${t}`,
    /** HASH email -> "token:expiresAtMs:arrival:state:leaseUntilMs": every live hold (authoritative). */
    holds: `fsholds:${t}`,
    /** SET of buyers who paid: one unit per person. */
    paid: `fspaid:${t}`,
    /** HASH email -> last outcome (purchased, expired, cancelled, sold_out, closed). */
    outcome: `fsout:${t}`,
    /** LIST of grants "token|email|arrival|atMs|mode|via" in grant order: audit and fairness. */
    grants: `fsgrants:${t}`,
    /** Counter handing out grant tokens (one per hold ever granted). */
    grantSeq: `fsgseq:${t}`,
    /** LIST of queued buyers who left without a unit "email|arrival|atMs|outcome": fairness. */
    left: `fsleft:${t}`,
    /** ZSET email -> ticket: the waiting room of a sale with a preQueue, until it opens. */
    waiting: `fswait:${t}`,
    /** Prefix of the per-buyer hold keys `fsh:{saleId}:{email}` (TTL = hold + grace, a backstop). */
    holdPrefix: `fsh:${t}:`,
    /** Distributed lock around the dispatcher. */
    lock: `fslock:${t}`,
    /** Lock held while a sale Redis lost is rebuilt from MongoDB and Temporal (projection.ts). */
    restoreLock: `fsrestore:${t}`,
  };
};

export type SaleKeys = ReturnType<typeof saleKeys>;

/** The KEYS every sale script receives, in the order `lua/includes/sale.lua` names them. */
export const scriptKeys = (k: SaleKeys) =>
  [k.meta, k.queue, k.arrivals, k.stock, k.holds, k.paid, k.outcome, k.grants, k.grantSeq, k.left, k.waiting] as const;

/** Every key that holds a sale's state (for deletion and snapshots). */
export const allSaleKeys = (k: SaleKeys) => [...scriptKeys(k), k.lock];

export const holdKey = (saleId: string, email: string) => `${saleKeys(saleId).holdPrefix}${email}`;

/**
 * Rate-limit counters (rate-limiter-flexible): one key prefix per action and scope, the counter of
 * a subject (an address or an email) at `<prefix>:<subject>`.
 */
export const rateLimitPrefix = (action: string, scope: 'ip' | 'email') => `fsrl:${action}:${scope}`;
export const rateLimitKey = (action: string, scope: 'ip' | 'email', subject: string) => `${rateLimitPrefix(action, scope)}:${subject}`;

/**
 * HASH of a shopper's live sign-in code: hash (HMAC of the code), tries, state (live | used |
 * dead), expiresAtMs. The key outlives the code by an hour so a late try hears "expired", not
 * "no code".
 */
export const signInCodeKey = (email: string) => `fscode:${email}`;

/** A used proof-of-work challenge (bot defence), kept until the challenge expires: solutions are single-use. */
export const powNonceKey = (nonce: string) => `fspow:${nonce}`;
