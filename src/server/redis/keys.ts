/**
 * Every Redis key of the system, built in one place. The sale id is wrapped in a literal hash tag
 * (`{saleId}`) so all keys of one sale share a Redis Cluster slot and each Lua script stays
 * single-slot. Names follow the original system (fsq, fsh, fsinv, fslock, fsmeta, ...).
 */
const tag = (saleId: string) => `{${saleId}}`;

export const saleKeys = (saleId: string) => {
  const t = tag(saleId);
  return {
    /** ZSET email -> arrival sequence: the FIFO queue. */
    queue: `fsq:${t}`,
    /** Counter handing out arrival sequence numbers (strict order, no timestamp ties). */
    arrivalSeq: `fsseq:${t}`,
    /** Counter handing out grant tokens (one per hold ever granted). */
    grantSeq: `fsgseq:${t}`,
    /** Shadow inventory: units neither held nor sold. */
    stock: `fsinv:${t}`,
    /** HASH email -> "token:expiresAtMs:arrivalSeq": every live hold (authoritative). */
    holds: `fsholds:${t}`,
    /** Prefix of the per-buyer hold keys `fsh:{saleId}:{email}` (TTL = hold + grace, a backstop). */
    holdPrefix: `fsh:${t}:`,
    /** SET of buyers who paid: one unit per person. */
    paid: `fspaid:${t}`,
    /** HASH email -> last outcome (purchased, expired, cancelled, sold_out, closed). */
    outcome: `fsout:${t}`,
    /** LIST of grants "token|email|arrivalSeq|atMs|mode" in grant order: audit and fairness. */
    grants: `fsgrants:${t}`,
    /** Distributed lock around the dispatcher. */
    lock: `fslock:${t}`,
    /** HASH of sale facts the scripts need: startsAt, endsAt (ms), initial, name, price. */
    meta: `fsmeta:${t}`,
  };
};

export type SaleKeys = ReturnType<typeof saleKeys>;

export const holdKey = (saleId: string, email: string) => `${saleKeys(saleId).holdPrefix}${email}`;

/** Fixed-window rate limit counters (REST/tRPC buy and confirm). */
export const rateLimitKey = (scope: string, subject: string, window: number) => `fsrl:${scope}:${subject}:${window}`;
