// The flash-sale stress scenario (the original system's k6:flash, against this API).
//
// Virtual users ramp up to VUS (the original: 2,000). Each iteration is a new shopper: read the
// public sale; give up when it is sold out or ended; else buy, poll the position with backoff
// until the hold is ready (confirm at once) or the sale sells out / ends (give up). At the end,
// paid orders must not exceed the stock.
//
// Two kinds of shopper (SHOPPER_AUTH, as the app's setting of that name):
//   open (default): the shopper names itself by email in each request, as the original system's
//     scenario did (the app runs with SHOPPER_AUTH=open).
//   verified: before buying, the shopper signs in with a code mailed to it (read from Mailpit's
//     API at MAILPIT_URL: load/lib/shopper.js) and every request carries its bearer token, no
//     email. With SOLVE_POW=1 each buy also solves the bot defence's proof of work. The app's
//     requests are tagged target:app, Mailpit's target:mailbox, and the thresholds count the
//     app's only.
//
//   k6 run load/flash-sale.js --env API_BASE=http://localhost:3000/api/v1 \
//     --env ADMIN_EMAIL=... --env ADMIN_PASSWORD=... [--env SALE_ID=... --env TOKEN=...]
//
// Options (--env): VUS (2000), DURATION_S (220: 5% ramp to half, 90% ramp to VUS, 5% down, as the
// original's 10s/200s/10s), STOCK (100, when the scenario creates the sale), POLL_BASE_MS (250),
// POLL_MAX_MS (2000), MAX_WAIT_S (300), GIVE_UP_PAUSE_S (0: a shopper who sees "sold out" leaves
// and the VU is a new shopper at once, as in the original), BUCKET_S (time-series resolution of
// the summary, default DURATION_S/60, at least 2), RUN_ID (unique emails across runs), SOLVE_POW
// (1: the app runs with BOT_CHALLENGE=pow; each buy solves a proof-of-work challenge first),
// SHOPPER_AUTH (open | verified), MAILPIT_URL (verified: Mailpit's API, default
// http://127.0.0.1:8025), MAIL_WAIT_S (verified: longest wait for a code's mail, 30).
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
import {
  API_BASE,
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
import { MAILPIT_URL, signInShopper } from './lib/shopper.js';

const VUS = num('VUS', 2000);
const DURATION_S = num('DURATION_S', 220);
const STOCK = num('STOCK', 100);
const POLL_BASE_MS = num('POLL_BASE_MS', 250);
const POLL_MAX_MS = num('POLL_MAX_MS', 2000);
const MAX_WAIT_S = num('MAX_WAIT_S', 300);
const GIVE_UP_PAUSE_S = num('GIVE_UP_PAUSE_S', 0);
const SALE_CHECK_EVERY = num('SALE_CHECK_EVERY', 4);
const BUCKET_S = Math.max(2, num('BUCKET_S', Math.ceil(DURATION_S / 60)));
const RUN_ID = __ENV.RUN_ID || String(Date.now());
const SHOPPER_AUTH = __ENV.SHOPPER_AUTH || 'open';
if (SHOPPER_AUTH !== 'open' && SHOPPER_AUTH !== 'verified') throw new Error(`SHOPPER_AUTH must be open or verified, got ${SHOPPER_AUTH}`);
const VERIFIED = SHOPPER_AUTH === 'verified';
const MAIL_WAIT_S = num('MAIL_WAIT_S', 30);

const rampHalf = Math.max(1, Math.round(DURATION_S * 0.05));
const rampDown = Math.max(1, Math.round(DURATION_S * 0.05));
const rampFull = Math.max(1, DURATION_S - rampHalf - rampDown);
const ENDPOINTS = ['sale_status', 'buy', 'position', 'confirm'];
// Verified shoppers: the sign-in steps and the challenge are the app's; the mailbox's are Mailpit's.
const VERIFIED_ENDPOINTS = ['shopper_code', 'shopper_verify', 'challenge', 'mailbox_search', 'mailbox_read', 'mailbox_delete'];
// Summary buckets: the whole run (setup, stages, graceful stop) fits in this many.
const N_BUCKETS = Math.ceil((DURATION_S + 60) / BUCKET_S) + 2;

// Verified: the app's requests only (Mailpit's are the load generator reading its mail).
const APP = VERIFIED ? '{target:app}' : '';
const thresholds = {
  [`http_req_failed${APP}`]: ['rate<0.01'],
  [`http_req_duration${APP}`]: ['p(95)<2000', 'p(99)<5000'],
  'checks{scope:integrity}': ['rate==1'],
};
if (VERIFIED) thresholds['http_reqs{target:app}'] = [];
// Declared (empty) thresholds make k6 keep per-endpoint and per-time-bucket submetrics in the
// summary: the bench reads latency per endpoint and req/s + p95 over time from them.
// (Request counts come from the trends' `count`: no http_reqs submetrics, less work per request.)
for (const name of VERIFIED ? [...ENDPOINTS, ...VERIFIED_ENDPOINTS] : ENDPOINTS) {
  thresholds[`http_req_duration{name:${name}}`] = [];
  thresholds[`http_req_failed{name:${name}}`] = [];
}
for (let b = 0; b < N_BUCKETS; b++) thresholds[`http_req_duration{tb:${b}}`] = [];

export const options = {
  scenarios: {
    shoppers: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: [
        { duration: `${rampHalf}s`, target: Math.ceil(VUS / 2) },
        { duration: `${rampFull}s`, target: VUS },
        { duration: `${rampDown}s`, target: 0 },
      ],
      gracefulRampDown: '10s',
      gracefulStop: '20s',
    },
  },
  thresholds,
  // Verified: every request is the app's unless tagged target:mailbox (load/lib/shopper.js).
  ...(VERIFIED ? { tags: { target: 'app' } } : {}),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
  // No `url` tag: every position URL carries a unique email, and a tag set per URL costs k6 CPU
  // and memory. Requests are told apart by their `name` tag.
  systemTags: ['status', 'method', 'name', 'group', 'check', 'scenario', 'error_code', 'expected_response'],
  setupTimeout: '120s',
  teardownTimeout: '120s',
  // Many VUs, one host: keep connections alive, do not pile up DNS lookups.
  noConnectionReuse: false,
  dns: { ttl: '5m' },
};

const buyAttempts = new Counter('fs_buy_attempts');
const buySuccess = new Counter('fs_buy_success');
const buyRefused = new Counter('fs_buy_refused');
const positionChecks = new Counter('fs_position_checks');
const holds = new Counter('fs_holds');
const confirmSuccess = new Counter('fs_confirm_success');
const confirmFailed = new Counter('fs_confirm_failed');
const giveUps = new Counter('fs_give_ups');
const rateLimited = new Counter('fs_rate_limited');
const buyRefusedPow = new Counter('fs_buy_refused_pow');
const tJourney = new Trend('fs_t_journey', true);
const tBuyToHold = new Trend('fs_t_buy_to_hold', true);
const tHoldToConfirm = new Trend('fs_t_hold_to_confirm', true);
const rBuySuccess = new Rate('fs_r_buy_success');
const rConfirmSuccess = new Rate('fs_r_confirm_success');

export function setup() {
  let saleId = __ENV.SALE_ID;
  // A token given in the environment stays there (setup data ends up in summary exports).
  let token = null;
  if (!saleId) {
    token = __ENV.TOKEN ? null : signIn();
    saleId = createSale(token || __ENV.TOKEN, {
      stock: STOCK,
      startsInSec: num('START_DELAY_S', 3),
      durationSec: num('SALE_DURATION_S', DURATION_S + 120),
    });
  }
  const t0 = Date.now();
  console.log(`flash-sale: ${API_BASE}, sale ${saleId}, ${VUS} VUs over ${DURATION_S}s, polls ${POLL_BASE_MS}-${POLL_MAX_MS} ms`);
  console.log(`flash-sale: shoppers ${VERIFIED ? `verified (codes read from Mailpit at ${MAILPIT_URL})` : 'open (named by email)'}`);
  console.log(`flash-sale: t0=${t0} bucket=${BUCKET_S}s`);
  return { saleId, token, t0 };
}

const tags = (data, name) => ({ name, tb: String(Math.floor((Date.now() - data.t0) / 1000 / BUCKET_S)) });

function saleStatus(data) {
  const res = getJson(`/flash-sales/public/sale?flashSaleId=${data.saleId}`, { tags: tags(data, 'sale_status') });
  return res.status === 200 ? bodyOf(res) : null;
}

const over = (sale) => !sale || sale.meta.status === 'ended' || sale.meta.soldOut;

function giveUp() {
  giveUps.add(1);
  if (GIVE_UP_PAUSE_S > 0) sleep(GIVE_UP_PAUSE_S);
}

/**
 * Who the requests act for: open mode names the shopper in the body or query; a verified
 * shopper's bearer token says it (no email in the request).
 */
const shopperOf = (email, token) =>
  token ? { body: {}, query: '', headers: auth(token) } : { body: { email }, query: `email=${encodeURIComponent(email)}&`, headers: {} };

/** The bot defence's refusals of a buy (400 no solution, 403 wrong / expired / used one). */
const refusedByBotDefence = (res) =>
  (res.status === 400 || res.status === 403) && /^BOT_CHALLENGE/.test(((bodyOf(res) || {}).error || {}).code || '');

/** Confirms a ready hold; true when paid. */
function confirm(data, who, tHold) {
  const res = postJson(
    '/orders/confirm',
    { ...who.body, flashSaleId: data.saleId },
    { headers: who.headers, tags: tags(data, 'confirm'), responseCallback: EXPECT_2XX_OR_409 },
  );
  const ok = res.status === 200;
  rConfirmSuccess.add(ok);
  if (ok) {
    confirmSuccess.add(1);
    tHoldToConfirm.add(Date.now() - tHold);
  } else {
    confirmFailed.add(1);
  }
  return ok;
}

export default function (data) {
  const sale = saleStatus(data);
  if (!sale) {
    sleep(1);
    return;
  }
  if (sale.meta.status === 'upcoming') {
    sleep(Math.min(1, Math.max(0.1, sale.meta.startsInSec / 2)));
    return;
  }
  if (over(sale)) return giveUp();

  const email = `k6-${RUN_ID}-${exec.vu.idInTest}-${exec.vu.iterationInScenario}@load.test`;
  let token = null;
  if (VERIFIED) {
    const s = signInShopper(email, { tags: (name) => tags(data, name), mailWaitMs: MAIL_WAIT_S * 1000 });
    if (s.rateLimited) {
      rateLimited.add(1);
      sleep(s.rateLimited);
      return;
    }
    if (!s.token) return; // counted by signInShopper; the next iteration is a new shopper
    token = s.token;
  }
  const who = shopperOf(email, token);
  const pow = powHeaders(tags(data, 'challenge'));
  const t0 = Date.now();
  buyAttempts.add(1);
  const buy = postJson(
    '/orders/buy',
    { ...who.body, flashSaleId: data.saleId },
    { headers: { ...who.headers, ...pow }, tags: tags(data, 'buy'), responseCallback: EXPECT_2XX_OR_409 },
  );
  if (buy.status === 429) {
    rateLimited.add(1);
    rBuySuccess.add(false);
    sleep(Number(buy.headers['Retry-After'] || 1));
    return;
  }
  if (buy.status !== 200) {
    rBuySuccess.add(false);
    buyRefused.add(1);
    if (refusedByBotDefence(buy)) buyRefusedPow.add(1);
    return giveUp(); // 409: sold out, ended (or already bought)
  }
  buySuccess.add(1);
  rBuySuccess.add(true);

  let p = bodyOf(buy);
  for (let attempt = 0; Date.now() - t0 < MAX_WAIT_S * 1000; attempt++) {
    if (p && p.status === 'ready') {
      const tHold = Date.now();
      holds.add(1);
      tBuyToHold.add(tHold - t0);
      if (confirm(data, who, tHold)) tJourney.add(Date.now() - t0);
      return;
    }
    if (p && p.status === 'none') return giveUp(); // sold out, closed, expired, ...
    if (attempt > 0 && attempt % SALE_CHECK_EVERY === 0 && over(saleStatus(data))) return giveUp();
    backoffSleep(attempt, POLL_BASE_MS, POLL_MAX_MS);
    positionChecks.add(1);
    const res = getJson(`/orders/position?${who.query}flashSaleId=${data.saleId}`, { headers: who.headers, tags: tags(data, 'position') });
    p = res.status === 200 ? bodyOf(res) : null;
  }
  giveUp(); // waited MAX_WAIT_S
}

export function teardown(data) {
  sleep(num('TEARDOWN_SETTLE_S', 3));
  const f = integrityCheck(data.token || __ENV.TOKEN || null, data.saleId);
  console.log(
    `flash-sale: sale ${f.saleId}: stock ${f.stock}, sold ${f.sold}, paid orders ${Number.isNaN(f.paid) ? 'n/a (no token)' : f.paid}` +
      (f.paid > f.stock ? ' -> OVERSOLD' : ' -> no oversell'),
  );
}
