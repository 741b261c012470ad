// Redis: reuse REDIS_URL or 127.0.0.1:6379 if they answer, else start Debian's redis-server.
import { join } from 'node:path';
import { ServiceError, say, warn } from './log.js';
import { parseRedisUrl, redisProbe, waitFor } from './net.js';
import { dataDir, ensureDir, logsDir, rel } from './paths.js';
import { spawnManaged } from './proc.js';
import { ensureTool, ToolMissingError } from './provision.js';
import { REDIS_SERVER } from './tools.js';
import type { ServiceContext, ServiceHandle } from './types.js';

const LOCAL_URL = 'redis://127.0.0.1:6379';

export async function startRedis(ctx: ServiceContext): Promise<ServiceHandle> {
  const name = 'redis';
  const fromEnv = process.env.REDIS_URL?.trim();

  if (fromEnv) {
    const target = parseRedisUrl(fromEnv);
    const probe = await redisProbe(target);
    if (probe.state === 'redis') {
      say(name, `reusing REDIS_URL ${redact(fromEnv)}`);
      return reused(name, fromEnv);
    }
    if (probe.state === 'redis-error') {
      throw new ServiceError(name, `REDIS_URL ${redact(fromEnv)} answers but refuses PING: ${probe.reply}`);
    }
    warn(
      name,
      `REDIS_URL ${redact(fromEnv)} does not answer (${probe.state === 'closed' ? 'connection refused' : probe.detail}); falling back to ${LOCAL_URL}`,
    );
  }

  const local = parseRedisUrl(LOCAL_URL);
  const probe = await redisProbe(local);
  if (probe.state === 'redis') {
    say(name, `reusing 127.0.0.1:6379`);
    return reused(name, LOCAL_URL);
  }
  if (probe.state === 'redis-error') {
    throw new ServiceError(name, `a Redis on 127.0.0.1:6379 answers but refuses PING (${probe.reply}); set REDIS_URL with its password`);
  }
  if (probe.state === 'not-redis') {
    throw new ServiceError(
      name,
      `port 6379 on 127.0.0.1 is taken by something that is not Redis (${probe.detail}); free the port or set REDIS_URL`,
    );
  }

  // Nothing answers on 6379: start our own (installing Debian's redis-server when allowed).
  const bin = await ensureTool(REDIS_SERVER).catch((err: unknown) => {
    throw err instanceof ToolMissingError ? new ServiceError(name, err.message, err.logTail) : err;
  });
  const dir = ensureDir(join(dataDir, 'redis'));
  const logFile = join(ensureDir(logsDir), 'redis.log');
  const args = ['--bind', '127.0.0.1', '--port', '6379', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'yes'];
  if (ctx.ephemeral) args.push('--save', '', '--appendonly', 'no');
  say(name, `starting ${bin} on 127.0.0.1:6379 (${ctx.ephemeral ? 'in-memory' : `data in ${rel(dir)}`}, log ${rel(logFile)})`);
  const proc = await spawnManaged(name, bin, args, { cwd: dir, output: { kind: 'file', path: logFile }, stopTimeoutMs: 10_000 });
  const ready = await waitFor(async () => (await redisProbe(local)).state === 'redis', {
    timeoutMs: ctx.timeoutMs ?? 20_000,
    abort: () => (proc.running ? undefined : `redis-server ${proc.describeExit()}`),
  });
  if (!ready.ok) {
    const tail = proc.logTail();
    await proc.stop();
    throw new ServiceError(name, `redis-server did not become ready: ${ready.reason}`, tail);
  }
  say(name, `ready at ${LOCAL_URL} (pid ${proc.pid})`);
  return {
    name,
    status: 'started',
    address: LOCAL_URL,
    env: { REDIS_URL: LOCAL_URL },
    proc,
    logFile,
    stop: () => proc.stop(),
  };
}

function reused(name: string, url: string): ServiceHandle {
  return { name, status: 'reused', address: redact(url), env: { REDIS_URL: url }, stop: async () => {} };
}

/** Hides a password in a URL for printing. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
