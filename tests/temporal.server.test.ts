/**
 * The private Temporal servers of scripts/lib/temporal-private.ts (the chaos-test harness), one of
 * each kind: a workflow waits on a durable timer, the server is SIGKILLed while the timer runs,
 * the timer comes due while the server is down, and after a restart on the same data it fires and
 * the workflow completes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { freePortBlock, privateServerPortCount, startPrivateTemporal, type PrivateTemporal } from '../scripts/lib/temporal-private';
import { temporalPersistence, temporalProblem } from '../scripts/lib/temporal-server';
import type { TemporalKind } from '../scripts/lib/types';
import { quietRuntime } from '../temporal/worker';

const TIMER_MS = 4000;
const workflowsPath = fileURLToPath(new URL('./fixtures/durable-timer.workflow.ts', import.meta.url));

/** Epoch ms of the first timer-started or timer-fired event in the workflow's history, or undefined. */
async function eventTime(client: Client, workflowId: string, what: 'started' | 'fired'): Promise<number | undefined> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const event = history.events?.find((e) => (what === 'started' ? e.timerStartedEventAttributes : e.timerFiredEventAttributes));
  if (!event?.eventTime) return undefined;
  return Number(event.eventTime.seconds) * 1000 + Math.floor((event.eventTime.nanos ?? 0) / 1e6);
}

const until = async <T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('private Temporal servers survive SIGKILL', () => {
  let bundle: WorkflowBundleWithSourceMap;

  before(async () => {
    quietRuntime();
    bundle = await bundleWorkflowCode({ workflowsPath, logger: { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} } });
  });

  for (const kind of ['dev', 'postgres'] as const satisfies readonly TemporalKind[]) {
    describe(kind, () => {
      let server: PrivateTemporal | undefined;
      after(async () => {
        await server?.destroy();
      });

      it('a durable timer that came due while the server was down fires after the restart', async () => {
        const port = await freePortBlock(privateServerPortCount(kind));
        server = await startPrivateTemporal({ kind, port });
        const store = await temporalPersistence(server.address);
        assert.equal(store, kind === 'dev' ? 'sqlite' : 'postgres12', 'the server of the kind asked for');

        const taskQueue = `timer-${randomUUID().slice(0, 8)}`;
        const workerConnection = await NativeConnection.connect({ address: server.address });
        const worker = await Worker.create({
          connection: workerConnection,
          namespace: server.namespace,
          taskQueue,
          workflowBundle: bundle,
        });
        const running = worker.run();
        const clientConnection = await Connection.connect({ address: server.address });
        const client = new Client({ connection: clientConnection, namespace: server.namespace });
        try {
          const workflowId = `durable-timer-${kind}-${randomUUID().slice(0, 8)}`;
          const handle = await client.workflow.start('durableTimer', { taskQueue, workflowId, args: [TIMER_MS] });
          const timerStarted = await until(() => eventTime(client, workflowId, 'started'), 30_000, 'the timer to start');

          const firstPid = server.process!.pid;
          await server.kill();
          assert.ok(await temporalProblem(server.address, server.namespace, 1000), 'the killed server does not answer');
          // Let the timer come due while nobody can fire it.
          await new Promise((r) => setTimeout(r, Math.max(0, timerStarted + TIMER_MS + 1000 - Date.now())));

          const restartedAt = Date.now();
          await server.restart();
          assert.notEqual(server.process!.pid, firstPid, 'a new server process');
          let timer: NodeJS.Timeout | undefined;
          const result = await Promise.race([
            handle.result(),
            new Promise(
              (_, reject) => (timer = setTimeout(() => reject(new Error('workflow did not complete within 60 s of the restart')), 60_000)),
            ),
          ]).finally(() => clearTimeout(timer));
          assert.equal(result, 'fired');
          const fired = await eventTime(client, workflowId, 'fired');
          assert.ok(fired !== undefined, 'the history records the timer firing');
          assert.ok(fired >= restartedAt - 1000, `the timer fired after the restart (fired ${fired - restartedAt} ms after it)`);
        } finally {
          worker.shutdown();
          await running.catch(() => {});
          await workerConnection.close();
          await clientConnection.close();
        }
      });
    });
  }
});
