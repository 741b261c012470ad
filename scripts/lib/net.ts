// Network probes: TCP connect, Redis PING over raw RESP, HTTP GET, polling.
import net from 'node:net';
import tls from 'node:tls';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Does something accept TCP connections on host:port? */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export type RedisProbe =
  | { state: 'redis' }
  | { state: 'redis-error'; reply: string } // it is Redis, but refused us (auth, ...)
  | { state: 'not-redis'; detail: string } // something else answers on that port
  | { state: 'closed' }; // nothing listens

export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
}

export function parseRedisUrl(url: string): RedisTarget {
  const u = new URL(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`not a redis:// URL: ${url}`);
  return {
    host: (u.hostname || '127.0.0.1').replace(/^\[|\]$/g, ''),
    port: Number(u.port || 6379),
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
  };
}

const resp = (...args: string[]) => `*${args.length}\r\n` + args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('');

/** Sends (AUTH +) PING and classifies the answer. Never throws. */
export function redisProbe(target: RedisTarget, timeoutMs = 1500): Promise<RedisProbe> {
  return new Promise((resolve) => {
    let settled = false;
    let connected = false;
    let buf = '';
    const sock: net.Socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, servername: target.host })
      : net.connect({ host: target.host, port: target.port });
    const finish = (r: RedisProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.removeAllListeners();
      sock.on('error', () => {});
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(
      () => finish(connected ? { state: 'not-redis', detail: 'no answer to PING' } : { state: 'closed' }),
      timeoutMs,
    );
    const expected = target.password ? 2 : 1;
    sock.once(target.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
      let cmd = '';
      if (target.password) {
        cmd += target.username ? resp('AUTH', target.username, target.password) : resp('AUTH', target.password);
      }
      sock.write(cmd + resp('PING'));
    });
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const lines = buf.split('\r\n');
      if (lines.length - 1 < expected) {
        if (buf.length > 512) finish({ state: 'not-redis', detail: 'unexpected reply' });
        return;
      }
      const replies = lines.slice(0, expected);
      for (const r of replies) {
        if (r.startsWith('-')) return finish({ state: 'redis-error', reply: r.slice(1) });
        if (!r.startsWith('+')) return finish({ state: 'not-redis', detail: `unexpected reply ${JSON.stringify(r.slice(0, 40))}` });
      }
      if (replies[expected - 1] === '+PONG') return finish({ state: 'redis' });
      finish({ state: 'not-redis', detail: `unexpected reply ${JSON.stringify(replies[expected - 1])}` });
    });
    sock.on('error', () => finish(connected ? { state: 'not-redis', detail: 'connection error' } : { state: 'closed' }));
    sock.on('close', () => finish(connected ? { state: 'not-redis', detail: 'connection closed without a reply' } : { state: 'closed' }));
  });
}

/** HTTP GET; resolves to the status code, or 0 if there is no HTTP answer. */
export async function httpStatus(url: string, timeoutMs = 2000): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.body?.cancel().catch(() => {});
    return res.status;
  } catch {
    return 0;
  }
}

/**
 * Polls `check` until it returns a truthy value or the deadline passes.
 * `abort` (e.g. "the process exited") is polled too and stops the wait early with its message.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false | null>,
  opts: { timeoutMs: number; intervalMs?: number; abort?: () => string | undefined },
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const aborted = opts.abort?.();
    if (aborted) return { ok: false, reason: aborted };
    let value: T | undefined | false | null;
    try {
      value = await check();
    } catch {
      value = undefined;
    }
    if (value) return { ok: true, value };
    const aborted2 = opts.abort?.();
    if (aborted2) return { ok: false, reason: aborted2 };
    if (Date.now() >= deadline) return { ok: false, reason: `not healthy after ${Math.round(opts.timeoutMs / 1000)}s` };
    await sleep(opts.intervalMs ?? 250);
  }
}

/** Host and port of "host:port" (IPv6 in brackets allowed). */
export function splitHostPort(addr: string, defaultPort: number): { host: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(addr) ?? /^([^:]+)(?::(\d+))?$/.exec(addr);
  if (!m) throw new Error(`cannot parse address "${addr}"`);
  return { host: m[1]!, port: m[2] ? Number(m[2]) : defaultPort };
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
