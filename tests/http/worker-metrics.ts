/** The worker's metrics endpoint (temporal/metrics.ts) on an ephemeral port, for the metrics tests. */
import type { AddressInfo } from 'node:net';
import { startWorkerMetricsServer } from '../../temporal/metrics';

export async function serveWorkerMetrics() {
  const server = await startWorkerMetricsServer(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return { base, close };
}

export type WorkerMetricsServer = Awaited<ReturnType<typeof serveWorkerMetrics>>;
