/**
 * Group commit: writes that arrive while one is in flight go together as the next batch, so a crowd
 * of confirms costs a few `insertMany` round trips instead of one insert each. A lone write goes at
 * once (no timer, no added wait). On MongoDB a batch is one round trip and one journal write; on the
 * offline stand-in, whose every insert costs time in proportion to the collection's size, it is what
 * keeps a confirm fast once thousands of orders exist.
 *
 * When a batch fails (the stand-in refuses a whole batch for one duplicate; MongoDB keeps the rest
 * and reports the duplicates), each of its writes is retried alone. So `writeOne` must be
 * idempotent: a retried write may meet its own earlier insert (the order's duplicate-key path finds
 * its own order by grant token).
 */
export function groupCommit<T, R>(writeMany: (items: T[]) => Promise<R[]>, writeOne: (item: T) => Promise<R>, maxBatch = 25) {
  type Pending = { item: T; resolve: (r: R) => void; reject: (e: unknown) => void };
  let waiting: Pending[] = [];
  let busy = false;

  const flush = async (): Promise<void> => {
    busy = true;
    try {
      await drain();
    } finally {
      busy = false;
    }
  };
  const drain = async (): Promise<void> => {
    while (waiting.length) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      if (batch.length === 1) {
        const [p] = batch as [Pending];
        await writeOne(p.item).then(p.resolve, p.reject);
        continue;
      }
      try {
        const results = await writeMany(batch.map((p) => p.item));
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch {
        await Promise.all(batch.map((p) => writeOne(p.item).then(p.resolve, p.reject)));
      }
    }
  };

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void flush();
    });
}
