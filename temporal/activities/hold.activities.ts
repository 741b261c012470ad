import { ApplicationFailure } from '@temporalio/activity';
import { saleScripts, type ReleaseOutcome, type LeaveOutcome } from '@/server/redis/scripts';
import { dispatchSale } from '@/server/queue/dispatcher';
import { attemptGrant } from '@/server/queue/grant';
import { finalizeOrder } from '@/server/orders/finalize';
import { DomainError } from '@/server/errors';
import { recordFinalize, recordGrant, recordRelease } from '@/server/metrics/record';
import type { ActivityDeps } from './index';

export function createHoldActivities({ redis, temporal, config }: ActivityDeps) {
  const scripts = saleScripts(redis);
  const dispatch = (saleId: string) => dispatchSale({ redis, temporal, config }, saleId);

  return {
    /** One grant attempt (Fast Pass aware); see attemptGrant. */
    async tryGrant(saleId: string, email: string, holdTtlMs: number) {
      const r = await attemptGrant({ redis, temporal, config }, saleId, email, holdTtlMs);
      if (r.status === 'granted') recordGrant();
      return r;
    },

    async releaseHold(saleId: string, email: string, token: string, outcome: ReleaseOutcome) {
      const released = await scripts.release(saleId, email, token, outcome);
      recordRelease(outcome, released);
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
        const order = await finalizeOrder({ redis }, { saleId, email, token, holdWorkflowId });
        recordFinalize();
        return order;
      } catch (err) {
        recordFinalize(err);
        if (err instanceof DomainError && err.permanent) {
          throw ApplicationFailure.nonRetryable(err.message, err.failureType);
        }
        throw err;
      }
    },
  };
}
