// The hot-read ceiling: closed-loop GETs of the public sale and the position endpoint, one after
// the other, beside a plain Node `http` hello-world on the same machine (load/ceiling.js).
import { join } from 'node:path';
import { say } from '../lib/log.js';
import { api } from './api.js';
import { runK6 } from './k6.js';
import type { BenchOptions } from './options.js';
import type { BenchReport } from './report.js';
import type { Stack } from './stack.js';

export async function runCeiling(stack: Stack, k6: string, opts: BenchOptions, dir: string): Promise<NonNullable<BenchReport['ceiling']>> {
  const probe = await api<{ id: string }>(
    stack.base,
    'POST',
    '/flash-sales',
    {
      name: 'bench ceiling probe',
      startingQuantity: 1,
      pricePerUnit: 1,
      startsAt: new Date(Date.now() + 3_600_000).toISOString(),
      endsAt: new Date(Date.now() + 7_200_000).toISOString(),
    },
    stack.token,
  );
  const targets: Record<string, string> = {
    'plain Node http hello-world': stack.helloUrl,
    'GET /flash-sales/public/sale': `${stack.base}/flash-sales/public/sale?flashSaleId=${probe.id}`,
    'GET /orders/position': `${stack.base}/orders/position?email=nobody%40bench.local&flashSaleId=${probe.id}`,
  };
  const names = Object.keys(targets);
  const keyOf = (i: number) => `t${i}`;
  say('bench', `hot-read ceiling: ${names.join(', ')} (${opts.ceilingVus} VUs, ${opts.ceilingSec} s each)`);
  const c = await runK6(
    k6,
    'load/ceiling.js',
    { TARGETS: names.map((n, i) => `${keyOf(i)}=${targets[n]}`).join(','), VUS: opts.ceilingVus, EACH_S: opts.ceilingSec, GAP_S: 2 },
    { summary: join(dir, 'ceiling-summary.json'), log: join(dir, 'ceiling.log') },
  );
  const mt = c.summary?.metrics ?? {};
  const rps = (i: number) => (mt[`http_reqs{scenario:${keyOf(i)}}`]?.count ?? 0) / opts.ceilingSec;
  const helloRps = rps(0);
  return {
    vus: opts.ceilingVus,
    eachSec: opts.ceilingSec,
    targets: Object.fromEntries(
      names.map((n, i) => {
        const d = mt[`http_req_duration{scenario:${keyOf(i)}}`];
        return [
          n,
          {
            url: targets[n]!.replace(/^http:\/\/127\.0\.0\.1:\d+/, ''),
            reqPerSec: rps(i),
            p50: d?.med ?? NaN,
            p95: d?.['p(95)'] ?? NaN,
            failureRate: mt[`http_req_failed{scenario:${keyOf(i)}}`]?.value ?? NaN,
            ratioToHello: helloRps ? rps(i) / helloRps : NaN,
          },
        ];
      }),
    ),
  };
}
