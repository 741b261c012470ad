// Issue 8's targets for the flash-sale scenario, each checked against a run's figures.
import type { BenchReport, TargetCheck } from './report.js';

export const TARGETS = {
  confirmServerP95Ms: 300,
  confirmClientP95Ms: 500,
  buyP95Ms: 300,
  buyToPaidP50Ms: 1000,
};

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ms` : 'n/a');
/** A latency target: met only when the latency was measured and is within its bound. */
const latency = (target: string, v: number, bound: number): TargetCheck => ({
  target,
  measured: ms(v),
  met: Number.isFinite(v) && v <= bound,
});

export function checkTargets(x: BenchReport['results']): TargetCheck[] {
  return [
    {
      target: '0 failures (failed requests and refused confirms)',
      measured: `${x.failedRequests.toLocaleString('en-US')} failed requests, ${x.confirmFailures.toLocaleString('en-US')} refused confirms`,
      met: x.failedRequests === 0 && x.confirmFailures === 0,
    },
    {
      target: 'paid orders == stock',
      measured: `${x.paidOrders.toLocaleString('en-US')} / ${x.stock.toLocaleString('en-US')}`,
      met: x.paidEqualsStock,
    },
    { target: '0 oversold', measured: String(x.oversell), met: x.oversell === 0 },
    { target: '0 overtakes', measured: `${x.overtakes} (${x.overtaken} buyers overtaken)`, met: x.overtakes === 0 },
    latency(`confirm p95 <= ${TARGETS.confirmServerP95Ms} ms, server side`, x.confirmMs.server.p95, TARGETS.confirmServerP95Ms),
    latency(`confirm p95 <= ${TARGETS.confirmClientP95Ms} ms, client side`, x.confirmMs.client.p95, TARGETS.confirmClientP95Ms),
    latency(`buy p95 <= ${TARGETS.buyP95Ms} ms, server side`, x.buyMs.server.p95, TARGETS.buyP95Ms),
    latency(`buy p95 <= ${TARGETS.buyP95Ms} ms, client side`, x.buyMs.client.p95, TARGETS.buyP95Ms),
    latency(`buy-to-paid median <= ${TARGETS.buyToPaidP50Ms / 1000} s`, x.buyToPaidMs.p50, TARGETS.buyToPaidP50Ms),
  ];
}
