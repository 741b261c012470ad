/**
 * A private redis-server for chaos tests (no persistence, on a port of its own), which a test can
 * FLUSHALL, SIGKILL and start again empty, without touching the shared Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ensureTool } from '../../scripts/lib/provision';
import { REDIS_SERVER } from '../../scripts/lib/tools';

export interface PrivateRedis {
  url: string;
  /** SIGKILL, as a crash, and wait until it is gone. */
  kill: () => Promise<void>;
  /** Start it again on the same port: empty, as a restart without persistence. */
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  const bin = await ensureTool(REDIS_SERVER);
  const dir = mkdtempSync(join(tmpdir(), 'redis-chaos-'));
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;

  const launch = async () => {
    proc = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
      stdio: 'ignore',
    });
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    for (let i = 0; ; i++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        probe.disconnect();
        if (i > 100) throw new Error(`redis-server did not answer on ${port}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  await launch();
  return {
    url,
    kill,
    restart: launch,
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
