/**
 * The worker's metrics: an activity interceptor timing every activity, and the worker's own
 * small HTTP server for Prometheus (GET /api/metrics on WORKER_METRICS_PORT).
 */
import { createServer, type Server } from 'node:http';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { metricsHandler, workerMetrics } from '@/engine/metrics';

/** Times each activity (execution by type and outcome, and its wait between scheduling and start). */
export const activityMetricsInterceptor: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const m = workerMetrics();
      const { activityType: activity, currentAttemptScheduledTimestampMs: scheduledMs } = ctx.info;
      if (scheduledMs) m.activityScheduleToStart.observe({ activity }, Math.max(0, Date.now() - scheduledMs) / 1000);
      const end = m.activityDuration.startTimer({ activity });
      try {
        const result = await next(input);
        end({ outcome: 'ok' });
        return result;
      } catch (err) {
        end({ outcome: 'error' });
        throw err;
      }
    },
  },
});

/** Serves the worker registry at /api/metrics on host:port; resolves once listening. */
export function startWorkerMetricsServer(port: number, host = '0.0.0.0'): Promise<Server> {
  const serve = metricsHandler(workerMetrics().registry);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/api/metrics' || path === '/metrics') return void serve(req, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
