import type { Client } from '@temporalio/client';
import type { EngineConfig } from './config';
import type { ScriptedRedis, SaleScripts } from './scripts';
import type { Background } from './background';

/** What the engine needs from the outside world; the app, the worker and tests each build one. */
export interface EngineDeps {
  redis: ScriptedRedis;
  scripts: SaleScripts;
  /** The Temporal client, connected on first use. */
  temporal: () => Promise<Client>;
  /** Off-request-path work: workflow starts and signals, dispatcher runs. */
  background: Background;
  config: EngineConfig;
}
