// Throughput ceiling: closed-loop GETs as fast as the server answers, one target after another,
// to compare the hot read endpoints with a plain Node `http` hello-world on the same machine.
//
//   k6 run load/ceiling.js --env TARGETS='hello=http://127.0.0.1:3999/,sale=http://localhost:3000/api/v1/flash-sales/public/sale?flashSaleId=...'
//
// Options (--env): TARGETS (name=url, comma separated), VUS (64), EACH_S (10), GAP_S (2).
import http from 'k6/http';
import { num } from './lib/common.js';

const VUS = num('VUS', 64);
const EACH_S = num('EACH_S', 10);
const GAP_S = num('GAP_S', 2);
const TARGETS = (__ENV.TARGETS || '')
  .split(',')
  .filter(Boolean)
  .map((t) => {
    const i = t.indexOf('=');
    return { name: t.slice(0, i), url: t.slice(i + 1) };
  });
if (!TARGETS.length) throw new Error('set TARGETS=name=url,name=url');

const scenarios = {};
const thresholds = {};
TARGETS.forEach((t, i) => {
  scenarios[t.name] = {
    executor: 'constant-vus',
    vus: VUS,
    duration: `${EACH_S}s`,
    startTime: `${i * (EACH_S + GAP_S)}s`,
    exec: 'hit',
    env: { TARGET_URL: t.url },
    gracefulStop: '2s',
  };
  thresholds[`http_reqs{scenario:${t.name}}`] = [];
  thresholds[`http_req_duration{scenario:${t.name}}`] = [];
  thresholds[`http_req_failed{scenario:${t.name}}`] = [];
});

export const options = {
  scenarios,
  thresholds,
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  discardResponseBodies: true,
};

export function hit() {
  http.get(__ENV.TARGET_URL);
}
