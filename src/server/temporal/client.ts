import { Client, Connection } from '@temporalio/client';
import { env } from '@/env';

const globalForTemporal = globalThis as unknown as { flashSaleTemporal?: Promise<Client> };

export async function createTemporalClient(address = env.TEMPORAL_ADDRESS, namespace = env.TEMPORAL_NAMESPACE) {
  const connection = await Connection.connect({ address, connectTimeout: '5s' });
  return new Client({ connection, namespace });
}

/** The process-wide client, created on first use (kept on globalThis across Next dev reloads). */
export function getTemporal(): Promise<Client> {
  globalForTemporal.flashSaleTemporal ??= createTemporalClient().catch((err) => {
    globalForTemporal.flashSaleTemporal = undefined;
    throw err;
  });
  return globalForTemporal.flashSaleTemporal;
}
