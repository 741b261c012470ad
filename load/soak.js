// Soak: a steady crowd of shoppers for a long time against one big sale, to see latency drift,
// memory growth and hold expiry under sustained load. Each shopper buys, polls with backoff,
// and confirms (CONFIRM_RATIO of them; the others walk away and their hold expires).
//
//   k6 run load/soak.js --env API_BASE=http://localhost:3000/api/v1 --env ADMIN_EMAIL=... --env ADMIN_PASSWORD=...
//
// Options (--env): VUS (200), DURATION_S (1800), STOCK (1000000), THINK_S (2), CONFIRM_RATIO (0.9),
// POLL_BASE_MS (250), POLL_MAX_MS (2000).
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import {
  EXPECT_2XX_OR_409,
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

const VUS = num('VUS', 200);
const DURATION_S = num('DURATION_S', 1800);
const THINK_S = num('THINK_S', 2);
const CONFIRM_RATIO = num('CONFIRM_RATIO', 0.9);
const RUN_ID = __ENV.RUN_ID || String(Date.now());

export const options = {
  scenarios: {
    soak: {
      executor: 'ramping-vus',
      stages: [
        { duration: '60s', target: VUS },
        { duration: `${Math.max(60, DURATION_S - 120)}s`, target: VUS },
        { duration: '60s', target: 0 },
      ],
      gracefulStop: '30s',
    },
  },
  thresholds: {
    http_req_failed: ['rate<0.01'],
    http_req_duration: ['p(95)<500', 'p(99)<2000'],
    'checks{scope:integrity}': ['rate==1'],
    'http_req_duration{name:buy}': [],
    'http_req_duration{name:position}': [],
    'http_req_duration{name:confirm}': [],
  },
  summaryTrendStats: ['avg', 'med', 'p(90)', 'p(95)', 'p(99)', 'max', 'count'],
  // No `url` tag: position URLs carry unique emails (one tag set each would grow without bound).
  systemTags: ['status', 'method', 'name', 'group', 'check', 'scenario', 'error_code', 'expected_response'],
};

const holds = new Counter('fs_holds');
const paid = new Counter('fs_confirm_success');
const walkedAway = new Counter('fs_walked_away');
const tBuyToHold = new Trend('fs_t_buy_to_hold', true);

export function setup() {
  // A token given in the environment stays there (setup data ends up in summary exports).
  const token = __ENV.TOKEN ? null : signIn();
  const saleId =
    __ENV.SALE_ID ||
    createSale(token || __ENV.TOKEN, { stock: num('STOCK', 1_000_000), startsInSec: 2, durationSec: DURATION_S + 600, name: 'k6 soak' });
  sleep(2);
  return { token, saleId };
}

export default function ({ saleId }) {
  const email = `soak-${RUN_ID}-${exec.vu.idInTest}-${exec.vu.iterationInScenario}@load.test`;
  const sale = getJson(`/flash-sales/public/sale?flashSaleId=${saleId}`, { tags: { name: 'sale_status' } });
  if (sale.status !== 200 || bodyOf(sale).meta.soldOut) return sleep(THINK_S);
  const t0 = Date.now();
  const buy = postJson(
    '/orders/buy',
    { email, flashSaleId: saleId },
    { headers: powHeaders(), tags: { name: 'buy' }, responseCallback: EXPECT_2XX_OR_409 },
  );
  if (buy.status !== 200) return sleep(THINK_S);
  let p = bodyOf(buy);
  for (let attempt = 0; attempt < 60 && p && p.status === 'queued'; attempt++) {
    backoffSleep(attempt, num('POLL_BASE_MS', 250), num('POLL_MAX_MS', 2000));
    const r = getJson(`/orders/position?email=${encodeURIComponent(email)}&flashSaleId=${saleId}`, { tags: { name: 'position' } });
    p = r.status === 200 ? bodyOf(r) : null;
  }
  if (p && p.status === 'ready') {
    holds.add(1);
    tBuyToHold.add(Date.now() - t0);
    if (Math.random() < CONFIRM_RATIO) {
      const c = postJson(
        '/orders/confirm',
        { email, flashSaleId: saleId },
        { tags: { name: 'confirm' }, responseCallback: EXPECT_2XX_OR_409 },
      );
      if (c.status === 200) paid.add(1);
    } else {
      walkedAway.add(1);
    }
  }
  sleep(THINK_S * (0.5 + Math.random()));
}

export function teardown({ token: signedIn, saleId }) {
  const token = signedIn || __ENV.TOKEN;
  integrityCheck(token, saleId);
}
