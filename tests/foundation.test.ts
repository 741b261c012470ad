/** The ground everything stands on: each real service is reached, and bad config stops start-up. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseEnv, EnvError } from '@/env';
import { startEngine, type Engine } from './support/engine';

describe('services are real and reachable', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await engine.stop();
  });

  it('health reports Redis, Mongo and Temporal, with a workflow round trip through the worker', async () => {
    const h = await engine.as(null).health.check({ roundTrip: true });
    console.log(`health: ${JSON.stringify(h)}`);
    assert.equal(h.services.redis.ok, true, h.services.redis.detail);
    assert.equal(h.services.mongo.ok, true, h.services.mongo.detail);
    assert.equal(h.services.temporal.ok, true, h.services.temporal.detail);
    assert.match(h.services.temporal.detail, /workflow round trip ok/);
    assert.equal(h.ok, true);
  });

  it('health says which service is down instead of failing', async () => {
    const broken = { ...engine.deps, temporal: () => Promise.reject(new Error('connection refused')) };
    const { health } = await import('@/server/health/health.service');
    const h = await health(broken);
    assert.equal(h.ok, false);
    assert.equal(h.services.temporal.ok, false);
    assert.match(h.services.temporal.detail, /connection refused/);
    assert.equal(h.services.redis.ok, true);
  });
});

describe('environment', () => {
  it('parses defaults from the original system', () => {
    const e = parseEnv({});
    assert.equal(e.HOLD_TTL_SECONDS, 900);
    assert.equal(e.FAST_PASS_PERCENT, 1);
    assert.equal(e.WORKER_CONCURRENCY, 10);
    assert.equal(e.MONGO_DB, 'flash_sale_db');
  });

  it('names every bad variable', () => {
    assert.throws(
      () => parseEnv({ HOLD_TTL_SECONDS: 'abc', REDIS_URL: 'http://nope', FAST_PASS_PERCENT: '250' }),
      (err: unknown) => {
        assert.ok(err instanceof EnvError);
        assert.match(err.message, /HOLD_TTL_SECONDS/);
        assert.match(err.message, /REDIS_URL: must start with redis:\/\//);
        assert.match(err.message, /FAST_PASS_PERCENT/);
        return true;
      },
    );
  });

  it('a wrong value stops the worker at start-up with a message naming the variable', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'temporal/worker.ts'], {
      env: { ...process.env, WORKER_CONCURRENCY: '-3' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Invalid environment:[\s\S]*WORKER_CONCURRENCY/);
  });
});
