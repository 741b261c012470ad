/**
 * Engine benchmark (not a test): N distinct buyers call the buy service (the same code the tRPC and
 * REST endpoints run: one Lua step, the hold workflow started in the background) at a fixed
 * concurrency against the real services, then every granted buyer confirms (claim, the MongoDB
 * step, consume), then the same number of bare workflow starts on the same Temporal server in the
 * same run, for scale.
 *
 *   npm run bench:engine -- --buyers=2000 --concurrency=100 --units=100
 */
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { startServices } from './services';

const { values } = parseArgs({
  options: {
    buyers: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '100' },
    units: { type: 'string', default: '100' },
  },
});
const buyers = Number(values.buyers);
const concurrency = Number(values.concurrency);
const units = Number(values.units);

const services = await startServices();
Object.assign(process.env, services.env, { RATE_LIMIT_ENABLED: 'false' });

// Imported after the services env is in place (env.ts reads process.env once).
const { startEngine, openSale } = await import('../tests/support/engine');
const { buy, confirm } = await import('@/server/orders/orders.service');
const { saleLedger } = await import('../tests/support/crowd');

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Runs `count` calls of `fn` with `concurrency` in flight; returns per-call latencies and wall time. */
async function pool(count: number, fn: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const s = performance.now();
        try {
          await fn(i);
        } catch {
          errors++;
        }
        latencies.push(performance.now() - s);
      }
    }),
  );
  const wallMs = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  return { perSec: (count / wallMs) * 1000, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors, wallMs };
}

const engine = await startEngine({ holdTtlSec: 60 });
try {
  // The Redis scripts alone, on one sale (one hash slot: what a Redis Cluster shard serves for it).
  const scriptSale = await openSale(engine, buyers);
  const settings = { holdTtlMs: 60_000, graceMs: 5_000, fastPassPercent: 1, leaseMs: 30_000, recheckMs: 300_000 };
  const scriptBuys = await pool(buyers, (i) => engine.deps.scripts.buy(scriptSale.id, `s-${i}@example.com`, settings));
  const scriptSnapshots = await pool(buyers, (i) => engine.deps.scripts.snapshot(scriptSale.id, `s-${i}@example.com`));
  const scriptClaims = await pool(buyers, (i) => engine.deps.scripts.claim(scriptSale.id, `s-${i}@example.com`, 30_000));

  const sale = await openSale(engine, units);
  const client = await engine.deps.temporal();
  console.log(`bench: ${buyers} buyers, concurrency ${concurrency}, ${units} units, Mongo: ${process.env.MONGO_KIND}`);

  const held: string[] = [];
  const buys = await pool(buyers, async (i) => {
    const email = `bench-${i}-${randomUUID().slice(0, 6)}@example.com`;
    if ((await buy(engine.deps, { email, flashSaleId: sale.id })).status === 'held') held.push(email);
  });
  const confirms = await pool(held.length, (i) => confirm(engine.deps, { email: held[i]!, flashSaleId: sale.id }));
  const t0 = performance.now();
  await engine.deps.background.drained();
  const drainMs = performance.now() - t0;
  const starts = await pool(buyers, (i) =>
    client.workflow.start('healthWorkflow', {
      taskQueue: `${engine.config.taskQueue}-idle`, // never run: measures the start alone, as buy does
      workflowId: `bench-start-${i}-${randomUUID().slice(0, 6)}`,
      args: ['x'],
    }),
  );
  const ledger = await saleLedger(engine, sale.id);

  const row = (name: string, r: typeof buys) =>
    `| ${name} | ${r.perSec.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`;
  console.log('\n| operation | per second | p50 ms | p99 ms | errors |\n| --- | ---: | ---: | ---: | ---: |');
  console.log(row('buy-11.lua alone (join + grant), one sale', scriptBuys));
  console.log(row('snapshot-11.lua alone (a position read)', scriptSnapshots));
  console.log(row("claim-11.lua alone (a confirm's first step)", scriptClaims));
  console.log(row('buy (one Lua step; workflow start in the background)', buys));
  console.log(row(`confirm (${held.length} holds: claim, MongoDB step, consume)`, confirms));
  console.log(row('bare Temporal workflow start', starts));
  console.log(`\nbuy rate / raw workflow-start rate = ${(buys.perSec / starts.perSec).toFixed(2)}`);
  console.log(`workflow starts and signals finished ${(drainMs / 1000).toFixed(1)} s after the last answer`);
  console.log(`queue after the run: ${ledger.queueSize} queued, ${ledger.holdsLive} holds, stock ${ledger.redisStock}`);
  for (const id of [sale.id, scriptSale.id]) {
    await engine.as({ email: 'bench@example.com', role: 'admin' }).sales.update({ id, endsAt: new Date(Date.now() + 100) });
  }
} finally {
  await engine.stop();
  await services.stop();
}
