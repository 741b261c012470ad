import type { Redis } from 'ioredis';
import type { Client } from '@temporalio/client';
import { createHoldActivities } from './hold.activities';
import { createSaleActivities } from './sale.activities';
import type { EngineConfig } from '@/server/config';

export interface ActivityDeps {
  redis: Redis;
  /** Client used to signal promoted buyers' workflows (signal-with-start). */
  temporal: Client;
  config: EngineConfig;
}

/** Activities are plain functions closed over injected clients, so tests can build them too. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createHoldActivities(deps),
    ...createSaleActivities(deps),
    async echo(nonce: string): Promise<string> {
      return `pong:${nonce}`;
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
