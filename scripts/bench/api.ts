// The bench talks to the app as an admin would: JSON over the REST API (/api/v1).
import { httpStatus, sleep } from '../lib/net.js';

export async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** Waits until `url` answers 200; fails early when `died` resolves (the process exited). */
export async function waitHttp(url: string, timeoutMs: number, what: string, died: Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead: string | undefined;
  void died.then((d) => (dead = d));
  while (Date.now() < deadline) {
    if (dead) throw new Error(`${what} ${dead}`);
    if ((await httpStatus(url, 3000)) === 200) return;
    await sleep(500);
  }
  throw new Error(`${what} did not answer ${url} within ${timeoutMs / 1000}s`);
}
