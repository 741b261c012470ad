/**
 * Bot defence: with BOT_CHALLENGE=pow a buy needs a solved ALTCHA proof-of-work challenge, over
 * REST (X-Altcha header) and tRPC (the buy input's `altcha`). A missing, unreadable, wrong,
 * expired or reused solution is a 4xx naming the problem and nobody joins; a good one works once,
 * even when sent many times at once. Real Redis, MongoDB and Temporal; solutions are computed
 * here with altcha-lib's own solver, as the widget does in the browser.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { TRPCError } from '@trpc/server';
import { createPowChallenge, type PowSettings } from '@/server/bot/pow';
import type { AppDeps } from '@/server/deps';
import { createCaller } from '@/server/root';
import { ZChallengeResponse } from '@/server/rest/rest.schema';
import { openSale, shopper, startEngine, uniqueEmail, type Engine } from './support/engine';
import { serveApp, type AppServer } from './http/app-server';

const pow: PowSettings = { enabled: true, hmacKey: 'a-test-key-that-is-long-enough-to-sign-with', maxNumber: 2_000, expiresSec: 60 };

/** The widget's payload: base64 of the challenge it was given and the solution it found. */
async function solve(challenge: Challenge): Promise<string> {
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution, 'the challenge has a solution');
  const { parameters, signature } = challenge;
  return Buffer.from(
    JSON.stringify({ challenge: { parameters, signature }, solution: { counter: solution.counter, derivedKey: solution.derivedKey } }),
  ).toString('base64');
}

/** The same payload with a wrong part: the solution, or the challenge made easier by the client. */
function tamper(payload: string, how: 'solution' | 'easier'): string {
  const p = JSON.parse(Buffer.from(payload, 'base64').toString('utf8'));
  if (how === 'solution') p.solution.counter += 1;
  else p.challenge.parameters.keyPrefix = p.challenge.parameters.keyPrefix.slice(0, 2);
  return Buffer.from(JSON.stringify(p)).toString('base64');
}

describe('bot defence: proof of work before a buy', () => {
  let engine: Engine;
  let deps: AppDeps;
  let app: AppServer;
  let saleId: string;

  before(async () => {
    engine = await startEngine();
    deps = { ...engine.deps, pow };
    app = await serveApp(deps);
    saleId = (await openSale(engine, 1_000)).id;
  });
  after(async () => {
    await app.close();
    await engine.stop();
  });

  const challenge = async (settings = pow): Promise<Challenge> => {
    const res = await app.call('GET', '/api/v1/challenge');
    assert.equal(res.status, 200);
    const body = ZChallengeResponse.parse(res.json);
    // The server's own settings make the challenges; a test that needs another expiry makes its own.
    return settings === pow ? body : createPowChallenge(settings);
  };
  const restBuy = async (email: string, altcha?: string) => {
    const res = await app.call('POST', '/api/v1/orders/buy', {
      // Signed in as that shopper (verified mode): the bot defence is checked after who is buying.
      as: email,
      headers: altcha === undefined ? {} : { 'x-altcha': altcha },
      body: { flashSaleId: saleId },
    });
    return { status: res.status, body: res.json as { status?: string; error?: { code: string; message: string } } };
  };
  /** Whether the buyer is anywhere in the sale (queue, waiting room, hold). */
  const inSale = async (email: string) => {
    const s = await engine.deps.scripts.snapshot(saleId, email);
    return s.position > 0 || s.roomPlace > 0 || s.hold !== null;
  };

  it('GET /challenge: a signed SHA-256 challenge with an expiry, fresh each time', async () => {
    const t0 = Date.now();
    const [a, b] = [await challenge(), await challenge()];
    assert.notEqual(a.parameters.nonce, b.parameters.nonce, 'a fresh nonce each time');
    assert.ok(a.signature && a.parameters.keyPrefix.length >= 2, 'signed, with a prefix to find');
    const expires = a.parameters.expiresAt! * 1000;
    assert.ok(expires > t0 + 55_000 && expires <= Date.now() + 60_000, `expires ${expires - t0} ms from now`);
  });

  it('REST: missing, unreadable, wrong, made-easier and expired solutions are refused and nobody joins; a good one works once', async () => {
    const cases: [string, string | undefined, number, string][] = [
      ['missing', undefined, 400, 'BOT_CHALLENGE_REQUIRED'],
      ['unreadable', 'not base64 json', 400, 'BOT_CHALLENGE_INVALID'],
      ['wrong', tamper(await solve(await challenge()), 'solution'), 403, 'BOT_CHALLENGE_FAILED'],
      ['made easier', tamper(await solve(await challenge()), 'easier'), 403, 'BOT_CHALLENGE_FAILED'],
    ];
    const expired = await solve(await challenge({ ...pow, expiresSec: 1 }));
    for (const [what, altcha, status, code] of cases) {
      const email = uniqueEmail(`rest-${what.replace(' ', '-')}`);
      const r = await restBuy(email, altcha);
      assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error?.code, code, what);
      assert.match(r.body.error.message, /X-Altcha/, `${what}: the message names the header`);
      assert.equal(await inSale(email), false, `${what}: nobody joined`);
    }
    await new Promise((r) => setTimeout(r, 2_100)); // the expiry is in whole seconds
    const late = uniqueEmail('rest-expired');
    const e = await restBuy(late, expired);
    assert.equal(e.status, 403, JSON.stringify(e.body));
    assert.equal(e.body.error?.code, 'BOT_CHALLENGE_EXPIRED');
    assert.equal(await inSale(late), false, 'expired: nobody joined');

    const good = await solve(await challenge());
    const first = uniqueEmail('rest-good');
    const ok = await restBuy(first, good);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.status, 'ready', 'joined and holds a unit');
    assert.equal(await inSale(first), true);
    const again = uniqueEmail('rest-reuse');
    const reused = await restBuy(again, good);
    assert.equal(reused.status, 403, JSON.stringify(reused.body));
    assert.equal(reused.body.error?.code, 'BOT_CHALLENGE_USED');
    assert.equal(await inSale(again), false, 'reused: nobody joined');
  });

  it('REST: one solution sent by 20 buyers at once lets exactly one of them in', async () => {
    const good = await solve(await challenge());
    const buyers = Array.from({ length: 20 }, () => uniqueEmail('rest-race'));
    const results = await Promise.all(buyers.map((b) => restBuy(b, good)));
    assert.equal(results.filter((r) => r.status === 200).length, 1, JSON.stringify(results.map((r) => r.status)));
    assert.ok(
      results.every((r) => r.status === 200 || r.body.error?.code === 'BOT_CHALLENGE_USED'),
      'the others are told it was used',
    );
    assert.equal((await Promise.all(buyers.map(inSale))).filter(Boolean).length, 1, 'one buyer joined');
  });

  it('tRPC: orders.challenge, then the same refusals with the problem named (field altcha); a good solution works once', async () => {
    const email = uniqueEmail('trpc');
    const caller = createCaller({ deps, session: shopper(email), ip: '127.0.0.1' });
    const refused = async (altcha: string | undefined, code: string, trpcCode: string) => {
      const err = await caller.orders.buy({ flashSaleId: saleId, ...(altcha === undefined ? {} : { altcha }) }).then(
        () => assert.fail(`${code}: the buy went through`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TRPCError, String(err));
      assert.equal(err.code, trpcCode, `${code}: ${err.message}`);
      assert.equal((err.cause as { code?: string }).code, code);
      assert.match(err.message, /altcha/, `${code}: the message names the field`);
      assert.equal(await inSale(email), false, `${code}: nobody joined`);
    };
    const { required, challenge: c } = await caller.orders.challenge();
    assert.equal(required, true);
    const expired = await solve(await createPowChallenge({ ...pow, expiresSec: 1 }));
    await refused(undefined, 'BOT_CHALLENGE_REQUIRED', 'BAD_REQUEST');
    await refused('%%%', 'BOT_CHALLENGE_INVALID', 'BAD_REQUEST');
    await refused(tamper(await solve(c), 'solution'), 'BOT_CHALLENGE_FAILED', 'FORBIDDEN');
    await new Promise((r) => setTimeout(r, 2_100));
    await refused(expired, 'BOT_CHALLENGE_EXPIRED', 'FORBIDDEN');

    const good = await solve((await caller.orders.challenge()).challenge);
    const r = await caller.orders.buy({ flashSaleId: saleId, altcha: good });
    assert.equal(r.status, 'held');
    const other = createCaller({ deps, session: shopper(uniqueEmail('trpc-reuse')), ip: '127.0.0.1' });
    const reuse = await other.orders.buy({ flashSaleId: saleId, altcha: good }).then(
      () => null,
      (e: unknown) => e as TRPCError,
    );
    assert.equal(reuse?.code, 'FORBIDDEN');
    assert.equal((reuse?.cause as { code?: string }).code, 'BOT_CHALLENGE_USED');
  });

  it('off (development and tests by default): buys need no solution', async () => {
    const off = createCaller({ deps: engine.deps, session: shopper(uniqueEmail('off')), ip: '127.0.0.1' });
    assert.equal((await off.orders.challenge()).required, false);
    assert.equal((await off.orders.buy({ flashSaleId: saleId })).status, 'held');
  });
});
