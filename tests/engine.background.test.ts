/**
 * The engine's background sender (workflow starts and signals off the request path): bounded
 * concurrency, retries, one lane's jobs in order even through retries, and a signal dropped while
 * a message of its lane still waits.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBackground } from '@/engine/background';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('background sender', () => {
  it('runs 500 jobs at most 8 at a time, retries failures, and keeps each lane in order', async () => {
    const bg = createBackground({ maxInFlight: 8, retryDelayMs: 5 });
    let inFlight = 0;
    let most = 0;
    const done: Record<string, number[]> = {};
    for (let i = 0; i < 500; i++) {
      const lane = `lane-${i % 25}`;
      let attempts = 0;
      bg.run(
        `job-${i}`,
        async () => {
          most = Math.max(most, ++inFlight);
          await sleep(Math.random() * 5);
          inFlight--;
          if (i % 7 === 0 && attempts++ < 2) throw new Error('transient'); // fails twice, then succeeds
          (done[lane] ??= []).push(i);
        },
        lane,
      );
    }
    await bg.drained();
    assert.ok(most <= 8, `at most 8 in flight (saw ${most})`);
    assert.equal(Object.values(done).flat().length, 500, 'every job ran once successfully');
    for (const [lane, order] of Object.entries(done)) {
      assert.deepEqual(
        order,
        [...order].sort((a, b) => a - b),
        `${lane} in order despite retries`,
      );
    }
  });

  it('drops a signal while a message of its lane still waits, and gives up after its attempts', async () => {
    const bg = createBackground({ maxInFlight: 1, maxAttempts: 3, retryDelayMs: 1 });
    const ran: string[] = [];
    let release!: () => void;
    bg.run('block', () => new Promise<void>((r) => (release = r))); // holds the only slot
    bg.run('start:a', async () => void ran.push('start:a'), 'a');
    bg.runUnlessWaiting('confirmed:a', async () => void ran.push('confirmed:a'), 'a'); // start:a waits: dropped
    bg.runUnlessWaiting('confirmed:b', async () => void ran.push('confirmed:b'), 'b'); // nothing waits for b
    let attempts = 0;
    bg.run('doomed', async () => {
      attempts++;
      throw new Error('always');
    });
    assert.equal(bg.size, 4, 'confirmed:a was not queued');
    release();
    await bg.drained();
    assert.deepEqual(ran.sort(), ['confirmed:b', 'start:a']);
    assert.equal(attempts, 3, 'three attempts, then given up');
    assert.equal(bg.size, 0);
  });

  it('runFirst goes ahead of a full queue, makes the requests during a run one more run, and retries', async () => {
    const bg = createBackground({ maxInFlight: 1, maxAttempts: 3, retryDelayMs: 1 });
    let release!: () => void;
    bg.run('block', () => new Promise<void>((r) => (release = r))); // holds the only slot
    for (let i = 0; i < 50; i++) bg.run(`start:${i}`, async () => {}, `lane-${i}`); // a backlog behind it
    let runs = 0;
    let gate!: () => void;
    const dispatch = async () => {
      runs++;
      if (runs === 1) await new Promise<void>((r) => (gate = r));
    };
    bg.runFirst('dispatch:s', dispatch);
    assert.equal(runs, 1, 'ran at once, past the full queue');
    for (let i = 0; i < 20; i++) bg.runFirst('dispatch:s', dispatch); // while it runs: one more run
    gate();
    await sleep(10);
    assert.equal(runs, 2, 'twenty requests during the run made one more run');

    let attempts = 0;
    bg.runFirst('dispatch:flaky', async () => {
      if (++attempts < 3) throw new Error('transient');
    });
    await sleep(20);
    assert.equal(attempts, 3, 'retried until it succeeded, within its attempts');
    release();
    await bg.drained();
    assert.equal(bg.size, 0);
  });
});
