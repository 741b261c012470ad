// Private services for a measurement run: an empty Redis and an empty jongodb on free ports, and
// free ports for a fresh Temporal server (started by scripts/services.ts when TEMPORAL_ADDRESS
// points at it), so a run neither inherits the shared databases' contents nor competes with other
// users' traffic, and server-wide counters (Redis's commandstats) see this run only.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { mongoInfo } from '../lib/mongo.js';
import { parseRedisUrl, redisProbe, tcpOpen, waitFor } from '../lib/net.js';
import { repoRoot, which } from '../lib/paths.js';
import { spawnManaged, type ManagedProcess } from '../lib/proc.js';
import { ensureTool } from '../lib/provision.js';
import { REDIS_SERVER } from '../lib/tools.js';
import { freePortBlock, privateServerPortCount } from '../lib/temporal-private.js';
import type { TemporalKind } from '../lib/types.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A free port in [from, to) whose companion (port + offset, e.g. Temporal's UI) is free too. */
export async function freePortPair(from: number, to: number, offset: number): Promise<number> {
  for (let p = from; p < to; p++) {
    if (!(await tcpOpen('127.0.0.1', p, 200)) && !(await tcpOpen('127.0.0.1', p + offset, 200))) return p;
  }
  throw new Error(`no free port pair in ${from}-${to}`);
}

function jongodbBinary(): string | undefined {
  try {
    const req = createRequire(join(repoRoot, 'package.json'));
    const bin = join(dirname(req.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json')), 'bin', 'jongodb');
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/** An empty, in-memory Redis (Debian's redis-server) on a free port; sets REDIS_URL. */
async function privateRedis(logFile: string): Promise<ManagedProcess> {
  const bin = await ensureTool(REDIS_SERVER);
  const port = await freePort();
  const proc = await spawnManaged(
    'redis',
    bin,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--protected-mode', 'yes'],
    { cwd: repoRoot, output: { kind: 'file', path: logFile }, stopTimeoutMs: 5000 },
  );
  const url = `redis://127.0.0.1:${port}`;
  const up = await waitFor(async () => (await redisProbe(parseRedisUrl(url))).state === 'redis', {
    timeoutMs: 20_000,
    intervalMs: 200,
    abort: () => (proc.running ? undefined : `redis-server ${proc.describeExit()}`),
  });
  if (!up.ok) {
    await proc.stop();
    throw new Error(`private redis-server did not answer on port ${port}: ${up.reason}`);
  }
  process.env.REDIS_URL = url;
  return proc;
}

/**
 * Starts an empty Redis (REDIS_URL) and points TEMPORAL_ADDRESS at a free port (startServices
 * then starts a fresh server of that kind there: a dev server, or a PostgreSQL-backed one, which
 * takes the nine ports after it) and, when the jongodb stand-in is what this machine has, starts
 * an empty one and sets MONGODB_URI. Returns the processes to stop and the MONGO_KIND the app
 * must be given.
 */
export async function preparePrivateServices(
  logs: { mongo: string; redis: string },
  temporal: TemporalKind = 'dev',
): Promise<{ processes: ManagedProcess[]; mongoKind?: string }> {
  const port =
    temporal === 'dev' ? await freePortPair(7400, 7600, 1000) : await freePortBlock(privateServerPortCount(temporal), 7400, 7600);
  process.env.TEMPORAL_ADDRESS = `127.0.0.1:${port}`;
  const redis = await privateRedis(logs.redis);
  const jongodb = jongodbBinary();
  if (!jongodb || which('mongod')) return { processes: [redis] };
  const mongoPort = await freePort();
  const mongo = await spawnManaged(
    'mongo',
    jongodb,
    ['--host=127.0.0.1', `--port=${mongoPort}`, '--topology-profile=singleNodeReplicaSet', '--replica-set-name=rs0'],
    { cwd: repoRoot, output: { kind: 'file', path: logs.mongo }, stopTimeoutMs: 5000 },
  );
  const uri = `mongodb://127.0.0.1:${mongoPort}/flash_sale_bench?replicaSet=rs0`;
  const up = await waitFor(
    () =>
      mongoInfo(uri, 1500)
        .then(() => true)
        .catch(() => false),
    { timeoutMs: 60_000, intervalMs: 300 },
  );
  if (!up.ok) {
    await Promise.all([mongo.stop(), redis.stop()]);
    throw new Error(`private jongodb did not answer on port ${mongoPort}: ${up.reason}`);
  }
  process.env.MONGODB_URI = uri;
  return { processes: [redis, mongo], mongoKind: 'jongodb' };
}
