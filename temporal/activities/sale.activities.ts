import { saleScripts } from '@/server/redis/scripts';
import { dispatchSale, sweepOrphanHolds } from '@/server/queue/dispatcher';
import { syncSaleToRedis, recordFinalFigures } from '@/server/sales/sales.service';
import type { ActivityDeps } from './index';

export function createSaleActivities({ redis, temporal, config }: ActivityDeps) {
  const scripts = saleScripts(redis);
  return {
    /** Publishes the sale's meta and seeds its shadow stock (idempotent). */
    async syncSale(saleId: string) {
      await syncSaleToRedis(redis, saleId);
    },

    /** Promotes queue heads while stock is free and recovers holds whose workflow is gone. */
    async tickSale(saleId: string) {
      await sweepOrphanHolds({ redis, temporal, config }, saleId);
      await dispatchSale({ redis, temporal, config }, saleId);
      const s = await scripts.status(saleId);
      return { waiting: s.queueSize > 0 || s.holdsLive > 0 };
    },

    async closeSale(saleId: string) {
      return recordFinalFigures(redis, saleId);
    },
  };
}
