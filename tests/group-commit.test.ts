/**
 * Group commit of writes (src/engine/group-commit.ts) against the real MongoDB server: a crowd of
 * concurrent inserts goes as a few insertMany batches, and every caller still gets the answer of its
 * own write, duplicates included.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import mongoose from 'mongoose';
import { groupCommit } from '@/engine/group-commit';
import { startEngine, type Engine } from './support/engine';

describe('group commit', () => {
  let engine: Engine;
  before(async () => {
    engine = await startEngine();
  });
  after(async () => {
    await engine.stop();
  });

  it('300 concurrent inserts, 20 of them duplicates: few batches, each caller its own answer', async () => {
    const coll = mongoose.connection.db!.collection<{ key: string; n: number }>(`group_commit_${Date.now()}`);
    await coll.createIndex({ key: 1 }, { unique: true });
    await coll.insertMany(Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, n: -1 })));

    let batches = 0;
    let singles = 0;
    const write = groupCommit<{ key: string; n: number }, string>(
      async (docs) => {
        batches++;
        await coll.insertMany(
          docs.map((d) => ({ ...d })),
          { ordered: false },
        );
        return docs.map((d) => d.key);
      },
      async (doc) => {
        singles++;
        try {
          await coll.insertOne({ ...doc });
        } catch (err) {
          // Idempotent, as the order insert is: a write retried after its batch failed may meet itself.
          if ((await coll.findOne({ key: doc.key }))?.n !== doc.n) throw err;
        }
        return doc.key;
      },
      25,
    );

    // Keys k0-k19 exist already: those 20 writes must fail with a duplicate key, the 280 others succeed.
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        write({ key: `k${i}`, n: i }).then(
          (key) => ({ i, ok: true as const, key }),
          (err: unknown) => ({ i, ok: false as const, code: (err as { code?: number }).code }),
        ),
      ),
    );
    const failed = outcomes.filter((o) => !o.ok);
    assert.deepEqual(
      failed.map((o) => o.i),
      Array.from({ length: 20 }, (_, i) => i),
      'exactly the 20 duplicates fail',
    );
    assert.ok(
      failed.every((o) => !o.ok && o.code === 11000),
      'with the duplicate-key error',
    );
    assert.ok(
      outcomes.filter((o) => o.ok).every((o) => o.ok && o.key === `k${o.i}`),
      'each success answers its own write',
    );
    assert.equal(await coll.countDocuments({ n: { $gte: 0 } }), 280, 'the 280 new documents are stored, once each');
    console.log(`300 writes: ${batches} batches, ${singles} single writes (a failed batch retries its writes alone)`);
    assert.ok(batches > 0 && batches <= 20, `crowded writes went in batches (${batches})`);
  });

  it('a lone write goes at once, alone', async () => {
    let many = 0;
    const write = groupCommit<number, number>(
      async (xs) => {
        many++;
        return xs;
      },
      async (x) => x * 2,
    );
    assert.equal(await write(21), 42);
    assert.equal(await write(4), 8);
    assert.equal(many, 0, 'no batch for writes that never overlapped');
  });
});
