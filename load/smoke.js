// Smoke: one shopper at a time walks every public endpoint end to end (sale, buy, position,
// confirm, orders by email, health, OpenAPI) and an admin reads the orders and queue overview.
// Strict thresholds: any failure fails the run. Creates its own small sale.
//
//   k6 run load/smoke.js --env API_BASE=http://localhost:3000/api/v1 --env ADMIN_EMAIL=... --env ADMIN_PASSWORD=...
//
// Options (--env): VUS (2), DURATION_S (30), STOCK (1000), SOLVE_POW (1: the app runs with
// BOT_CHALLENGE=pow; each buy solves a proof-of-work challenge first, and a reused one is refused).
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import {
  EXPECT_2XX_OR_409,
  auth,
  backoffSleep,
  bodyOf,
  createSale,
  getJson,
  integrityCheck,
  num,
  postJson,
  powHeaders,
  signIn,
} from './lib/common.js';

const RUN_ID = __ENV.RUN_ID || String(Date.now());

export const options = {
  vus: num('VUS', 2),
  duration: `${num('DURATION_S', 30)}s`,
  thresholds: {
    http_req_failed: ['rate==0'],
    http_req_duration: ['p(95)<500'],
    checks: ['rate==1'],
  },
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
};

export function setup() {
  // A token given in the environment stays there (setup data ends up in summary exports).
  const token = __ENV.TOKEN ? null : signIn();
  const saleId = createSale(token || __ENV.TOKEN, {
    stock: num('STOCK', 1000),
    startsInSec: 1,
    durationSec: num('DURATION_S', 30) + 300,
    name: 'k6 smoke',
  });
  sleep(1.5);
  return { token, saleId };
}

export default function ({ token: signedIn, saleId }) {
  const token = signedIn || __ENV.TOKEN;
  const email = `smoke-${RUN_ID}-${exec.vu.idInTest}-${exec.vu.iterationInScenario}@load.test`;
  const q = `email=${encodeURIComponent(email)}&flashSaleId=${saleId}`;

  check(getJson('/health', { tags: { name: 'health' } }), { 'health 200': (r) => r.status === 200 });
  const sale = getJson(`/flash-sales/public/sale?flashSaleId=${saleId}`, { tags: { name: 'sale_status' } });
  check(sale, { 'sale 200 and ongoing': (r) => r.status === 200 && bodyOf(r).meta.status === 'ongoing' });

  const buy = postJson('/orders/buy', { email, flashSaleId: saleId }, { headers: powHeaders(), tags: { name: 'buy' } });
  check(buy, { 'buy 200': (r) => r.status === 200 && typeof bodyOf(r).position === 'number' });

  let ready = false;
  for (let attempt = 0; attempt < 30 && !ready; attempt++) {
    const p = getJson(`/orders/position?${q}`, { tags: { name: 'position' } });
    ready = p.status === 200 && bodyOf(p).status === 'ready';
    if (!ready) backoffSleep(attempt, 100, 1000);
  }
  check(ready, { 'hold ready': (v) => v });
  const confirm = postJson('/orders/confirm', { email, flashSaleId: saleId }, { tags: { name: 'confirm' } });
  check(confirm, { 'confirm 200 with an order': (r) => r.status === 200 && bodyOf(r).ok === true && !!bodyOf(r).orderId });
  const again = postJson(
    '/orders/buy',
    { email, flashSaleId: saleId },
    { headers: powHeaders(), tags: { name: 'buy' }, responseCallback: EXPECT_2XX_OR_409 },
  );
  check(again, { 'second buy 409 ALREADY_PURCHASED': (r) => r.status === 409 && bodyOf(r).error.code === 'ALREADY_PURCHASED' });
  check(getJson(`/orders/by-email?email=${encodeURIComponent(email)}`, { tags: { name: 'by_email' } }), {
    'by-email lists the order': (r) => r.status === 200 && bodyOf(r).total === 1,
  });
  check(getJson(`/orders/admin/queue/${saleId}/overview`, { headers: auth(token), tags: { name: 'admin_overview' } }), {
    'overview: no FIFO inversion': (r) => r.status === 200 && bodyOf(r).fairness.inversions === 0,
  });
  sleep(0.5);
}

export function teardown({ token: signedIn, saleId }) {
  const token = signedIn || __ENV.TOKEN;
  check(getJson('/openapi.json', { tags: { name: 'openapi' } }), {
    'openapi 3.1': (r) => r.status === 200 && bodyOf(r).openapi === '3.1.0',
  });
  sleep(1);
  // Sold (MongoDB) + stock + live holds (Redis) is read from two stores: it balances once no confirm is in flight.
  check(getJson(`/orders/admin/queue/${saleId}/overview`, { headers: auth(token), tags: { name: 'admin_overview' } }), {
    'reconciliation balanced at rest': (r) => r.status === 200 && bodyOf(r).reconciliation.balanced === true,
  });
  integrityCheck(token, saleId);
}
