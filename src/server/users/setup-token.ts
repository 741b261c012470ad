/**
 * The first admin's one-time setup token. While no admin exists the app makes one at start and
 * prints a sign-up link carrying it; `/signup` and the sign-up procedure accept nothing else. It
 * lives only in this process's memory, so it is valid until it is used or the process restarts.
 *
 * Kept on globalThis: Next.js bundles its own copy of this module for pages and middleware, and
 * they must see the token the custom server made. Only a hash is kept.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const SLOT = Symbol.for('flash-sale.admin-setup-token');
type Holder = { [SLOT]?: Buffer };
const holder = globalThis as Holder;

const digest = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Makes a new token (the previous one stops working) and returns it. */
export function issueSetupToken(): string {
  const token = randomBytes(32).toString('base64url');
  holder[SLOT] = digest(token);
  return token;
}

export function isSetupTokenValid(token: unknown): boolean {
  const expected = holder[SLOT];
  if (!expected || typeof token !== 'string' || !token) return false;
  return timingSafeEqual(digest(token), expected);
}

/** The token has been used: sign-up closes for the life of this process. */
export function revokeSetupToken(): void {
  delete holder[SLOT];
}
