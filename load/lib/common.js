// Shared helpers for the k6 scenarios: configuration from --env, JSON requests against the REST
// API, admin sign-in and sale creation, polling backoff, the end-of-test integrity check, and the
// bot defence's proof of work (SOLVE_POW=1: each buy solves a challenge first, as the widget does).
// The shoppers name themselves by email in the body, as the original system's scenario did: the
// server must run with SHOPPER_AUTH=open (in verified mode they get 401), unless they sign in
// first (load/lib/shopper.js, flash-sale.js with SHOPPER_AUTH=verified).
import http from 'k6/http';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { check, sleep } from 'k6';
import { Trend } from 'k6/metrics';

/** REST base, e.g. http://localhost:3000/api/v1 (the original system's API_BASE pointed at its API root). */
export const API_BASE = (__ENV.API_BASE || 'http://localhost:3000/api/v1').replace(/\/$/, '');

export const num = (name, fallback) => {
  const v = __ENV[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${v}`);
  return n;
};

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** 2xx, plus 409 (a business refusal: sold out, already bought, no hold) is an expected answer. */
export const EXPECT_2XX_OR_409 = http.expectedStatuses({ min: 200, max: 299 }, 409);

export function postJson(path, body, params = {}) {
  return http.post(`${API_BASE}${path}`, JSON.stringify(body), {
    ...params,
    headers: { ...JSON_HEADERS, ...(params.headers || {}) },
  });
}

export function getJson(path, params = {}) {
  return http.get(`${API_BASE}${path}`, params);
}

export function bodyOf(res) {
  try {
    return res.json();
  } catch (_) {
    return null;
  }
}

export const auth = (token) => ({ Authorization: `Bearer ${token}` });

/** Admin sign-in (ADMIN_EMAIL / ADMIN_PASSWORD); throws so the test stops when it fails. */
export function signIn() {
  const email = __ENV.ADMIN_EMAIL;
  const password = __ENV.ADMIN_PASSWORD;
  if (!email || !password) throw new Error('set ADMIN_EMAIL and ADMIN_PASSWORD (npm run admin:create makes an admin), or pass SALE_ID');
  const res = postJson('/auth/sign-in', { email, password }, { tags: { name: 'sign_in' } });
  check(res, { 'sign-in 200': (r) => r.status === 200 }, { scope: 'setup' });
  const token = res.status === 200 ? bodyOf(res).token : null;
  if (!token) throw new Error(`sign-in failed: ${res.status} ${String(res.body).slice(0, 200)}`);
  return token;
}

/** Creates a sale through the admin API; returns its id. */
export function createSale(token, { stock, startsInSec, durationSec, name }) {
  const startsAt = new Date(Date.now() + startsInSec * 1000);
  const endsAt = new Date(startsAt.getTime() + durationSec * 1000);
  const res = postJson(
    '/flash-sales',
    {
      name: name || `k6 flash sale ${new Date().toISOString()}`,
      description: 'created by a k6 scenario',
      startingQuantity: stock,
      pricePerUnit: 1,
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    },
    { headers: auth(token), tags: { name: 'sale_create' } },
  );
  check(res, { 'sale create 201': (r) => r.status === 201 }, { scope: 'setup' });
  if (res.status !== 201) throw new Error(`sale create failed: ${res.status} ${String(res.body).slice(0, 300)}`);
  return bodyOf(res).id;
}

/** Backoff before the attempt-th poll: base * 1.5^attempt, capped, with +-20% jitter. */
export function backoffSleep(attempt, baseMs, maxMs) {
  const ms = Math.min(maxMs, baseMs * Math.pow(1.5, attempt));
  sleep((ms * (0.8 + Math.random() * 0.4)) / 1000);
}

/** Paid orders of a sale, counted through the admin list (needs a token). */
export function paidOrders(token, saleId) {
  const res = getJson(`/orders/admin/list?flashSaleId=${saleId}&status=paid&pageSize=1`, {
    headers: auth(token),
    tags: { name: 'admin_list' },
  });
  return res.status === 200 ? Number(bodyOf(res).total) : NaN;
}

/**
 * End-of-test integrity: paid orders never exceed the stock, and the public figures agree.
 * Returns the figures; records k6 checks tagged scope=integrity (the scenarios put a threshold on them).
 */
export function integrityCheck(token, saleId) {
  const sale = bodyOf(getJson(`/flash-sales/public/sale?flashSaleId=${saleId}`, { tags: { name: 'sale_status' } }));
  const stock = sale ? sale.item.startingQuantity : NaN;
  const remaining = sale ? sale.meta.progress.remaining : NaN;
  const paid = token ? paidOrders(token, saleId) : NaN;
  const figures = { saleId, stock, remaining, paid, sold: stock - remaining };
  check(figures, { 'paid orders <= stock (no oversell)': (f) => !(f.paid > f.stock) }, { scope: 'integrity' });
  if (token) check(figures, { 'paid orders == units sold': (f) => f.paid === f.sold }, { scope: 'integrity' });
  return figures;
}

/** SOLVE_POW=1: the server runs with BOT_CHALLENGE=pow, so every buy carries a solved challenge. */
export const SOLVE_POW = ['1', 'true'].includes(String(__ENV.SOLVE_POW || '').toLowerCase());

/** Time to find a challenge's solution (the hashing only; fetching the challenge is a request of its own). */
const tPowSolve = new Trend('fs_t_pow_solve', true);

function hexBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/**
 * Solves an ALTCHA challenge (GET /challenge, algorithm SHA-256 at cost 1): the first counter whose
 * SHA-256 of salt + nonce + counter (4 bytes, big-endian) starts with keyPrefix. The same search the
 * widget's workers run; about BOT_CHALLENGE_MAX_NUMBER x 3/4 hashes.
 */
export function solveChallenge(challenge) {
  const p = challenge.parameters;
  if (p.algorithm !== 'SHA-256' || p.cost !== 1) throw new Error(`cannot solve a ${p.algorithm} challenge at cost ${p.cost}`);
  const salt = hexBytes(p.salt);
  const nonce = hexBytes(p.nonce);
  const buf = new Uint8Array(salt.length + nonce.length + 4);
  buf.set(salt, 0);
  buf.set(nonce, salt.length);
  const view = new DataView(buf.buffer);
  const at = salt.length + nonce.length;
  const prefix = p.keyPrefix.toLowerCase();
  const keyHex = 2 * (p.keyLength || 32);
  for (let counter = 0; counter <= 0xffffffff; counter++) {
    view.setUint32(at, counter, false);
    const key = crypto.sha256(buf.buffer, 'hex');
    if (key.startsWith(prefix)) return { counter, derivedKey: key.slice(0, keyHex) };
  }
  throw new Error('no solution');
}

/**
 * Headers for a buy: with SOLVE_POW, a fresh challenge solved (X-Altcha: base64 of the challenge
 * and its solution; the solving time goes to fs_t_pow_solve); otherwise none. Each solution buys
 * once. `tags` tag the challenge request.
 */
export function powHeaders(tags = { name: 'challenge' }) {
  if (!SOLVE_POW) return {};
  const res = getJson('/challenge', { tags });
  check(res, { 'challenge 200': (r) => r.status === 200 });
  if (res.status !== 200) return {};
  const challenge = bodyOf(res);
  const t0 = Date.now();
  const solution = solveChallenge(challenge);
  tPowSolve.add(Date.now() - t0);
  const payload = JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution });
  return { 'X-Altcha': encoding.b64encode(payload, 'std') };
}
