// What Redis did during a run: INFO commandstats (calls and time per command) and INFO cpu,
// read before and after, so the report can say what one buyer and one request cost Redis.
import type { Redis } from 'ioredis';

export interface RedisStats {
  /** Per command (lower case): calls and microseconds. Commands run inside Lua scripts are counted too. */
  commands: Record<string, { calls: number; usec: number }>;
  /** used_cpu_sys + used_cpu_user of the server process, seconds. */
  cpuSec: number;
}

export function parseRedisStats(commandstats: string, cpu: string): RedisStats {
  const commands: RedisStats['commands'] = {};
  for (const m of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    commands[m[1]!.toLowerCase()] = { calls: Number(m[2]), usec: Number(m[3]) };
  }
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? 0);
  return { commands, cpuSec: field('used_cpu_sys') + field('used_cpu_user') };
}

export async function readRedisStats(redis: Redis): Promise<RedisStats> {
  const [commandstats, cpu] = await Promise.all([redis.info('commandstats'), redis.info('cpu')]);
  return parseRedisStats(commandstats, cpu);
}

/** after - before; commands with no calls in between are left out. */
export function redisStatsDelta(before: RedisStats, after: RedisStats): RedisStats {
  const commands: RedisStats['commands'] = {};
  for (const [name, a] of Object.entries(after.commands)) {
    const b = before.commands[name] ?? { calls: 0, usec: 0 };
    if (a.calls > b.calls) commands[name] = { calls: a.calls - b.calls, usec: a.usec - b.usec };
  }
  return { commands, cpuSec: after.cpuSec - before.cpuSec };
}

/** Script invocations (each one round trip that runs many commands inside). */
export const SCRIPT_COMMANDS = new Set(['evalsha', 'eval', 'evalsha_ro', 'eval_ro', 'fcall', 'fcall_ro']);
