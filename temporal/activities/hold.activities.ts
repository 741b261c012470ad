import { ApplicationFailure } from '@temporalio/activity';
import { saleScripts, type ReleaseOutcome, type LeaveOutcome } from '@/server/redis/scripts';
import { dispatchSale } from '@/server/queue/dispatcher';
import { finalizeOrder } from '@/server/orders/finalize';
import { DomainError } from '@/server/errors';
import { holdSettings } from '@/server/config';
import type { ActivityDeps } from './index';

export function createHoldActivities({ redis, temporal, config }: ActivityDeps) {
  const scripts = saleScripts(redis);
  const dispatch = (saleId: string) => dispatchSale({ redis, temporal, config }, saleId);

  return {
    /** One grant attempt (Fast Pass aware). A non-head buyer told to wait while stock is free
     *  kicks the dispatcher, which promotes the head in FIFO order. */
    async tryGrant(saleId: string, email: string, holdTtlMs: number) {
      const r = await scripts.grant(saleId, email, { ...holdSettings(config), holdTtlMs });
      if (r.status === 'wait' && r.stock > 0) await dispatch(saleId);
      return r;
    },

    async releaseHold(saleId: string, email: string, token: string, outcome: ReleaseOutcome) {
      const released = await scripts.release(saleId, email, token, outcome);
      if (released) await dispatch(saleId);
      return released;
    },

    async leaveQueue(saleId: string, email: string, outcome: LeaveOutcome) {
      const unitReturned = await scripts.leave(saleId, email, outcome);
      // A departing head may unblock the next buyer (Fast Pass) or return a promoted unit.
      await dispatch(saleId);
      return unitReturned;
    },

    async finalizeOrder(saleId: string, email: string, token: string, holdWorkflowId: string) {
      try {
        return await finalizeOrder({ redis }, { saleId, email, token, holdWorkflowId });
      } catch (err) {
        if (err instanceof DomainError && err.permanent) {
          throw ApplicationFailure.nonRetryable(err.message, err.failureType);
        }
        throw err;
      }
    },
  };
}
