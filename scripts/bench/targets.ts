// Issue 8's targets for the flash-sale scenario, each checked against a run's figures.
import type { BenchReport, TargetCheck } from './report.js';

export const TARGETS = {
  confirmServerP95Ms: 300,
  confirmClientP95Ms: 500,
  buyP95Ms: 300,
  buyToPaidP50Ms: 1000,
};

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ms` : 'n/a');
/** A latency meets its bound only when it was measured. */
const within = (v: number, bound: number) => Number.isFinite(v) && v <= bound;

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
    {
      target: `confirm p95 <= ${TARGETS.confirmServerP95Ms} ms, server side`,
      measured: ms(x.confirmMs.server.p95),
      met: within(x.confirmMs.server.p95, TARGETS.confirmServerP95Ms),
    },
    {
      target: `confirm p95 <= ${TARGETS.confirmClientP95Ms} ms, client side`,
      measured: ms(x.confirmMs.client.p95),
      met: within(x.confirmMs.client.p95, TARGETS.confirmClientP95Ms),
    },
    {
      target: `buy p95 <= ${TARGETS.buyP95Ms} ms, server side`,
      measured: ms(x.buyMs.server.p95),
      met: within(x.buyMs.server.p95, TARGETS.buyP95Ms),
    },
    {
      target: `buy p95 <= ${TARGETS.buyP95Ms} ms, client side`,
      measured: ms(x.buyMs.client.p95),
      met: within(x.buyMs.client.p95, TARGETS.buyP95Ms),
    },
    {
      target: `buy-to-paid median <= ${TARGETS.buyToPaidP50Ms / 1000} s`,
      measured: ms(x.buyToPaidMs.p50),
      met: within(x.buyToPaidMs.p50, TARGETS.buyToPaidP50Ms),
    },
  ];
}
