import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { echo } = proxyActivities<Activities>({ startToCloseTimeout: '10 seconds', retry: { maximumAttempts: 3 } });

/** Round trip app -> Temporal -> worker -> activity, used by the health check. */
export async function healthWorkflow(nonce: string): Promise<string> {
  return echo(nonce);
}
