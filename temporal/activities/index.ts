/**
 * The activities, built over injected clients (`createActivities(deps)`), so tests build them too.
 * Each is a thin entry into the engine, where the logic lives beside the Lua scripts it drives.
 */
import type { EngineDeps } from '@/engine/deps';
import { holdStep } from '@/engine/holds';
import { syncSaleToRedis } from '@/engine/projection';
import { closeSale, tickSale } from '@/engine/sales';

export function createActivities(deps: EngineDeps) {
  return {
    /** A hold workflow's step: what is due for this buyer now, and what to wait for next. */
    holdStep: (saleId: string, email: string, intent: 'check' | 'cancel', knownArrival?: number) =>
      holdStep(deps, saleId, email, intent, knownArrival),

    /** Publishes the sale's facts to Redis and seeds its shadow stock (idempotent). */
    syncSale: (saleId: string) => syncSaleToRedis(deps, saleId),

    /** Recovers orphaned holds and promotes queue heads while stock is free. */
    tickSale: (saleId: string) => tickSale(deps, saleId),

    /** Empties the queue and records the final figures. */
    closeSale: (saleId: string) => closeSale(deps, saleId),

    async echo(nonce: string): Promise<string> {
      return `pong:${nonce}`;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
