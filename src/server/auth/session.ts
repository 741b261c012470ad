/**
 * Who is calling: a next-auth session cookie (browser) or an `Authorization: Bearer` token issued by
 * a sign-in endpoint (REST, k6). Both are next-auth JWTs signed with NEXTAUTH_SECRET.
 *
 * A session whose identity was proven (a shopper's emailed code, an admin's password) carries the
 * claim `verified: true`. With SHOPPER_AUTH=verified a shopper session without it (a guest
 * sign-in from SHOPPER_AUTH=open) is no session at all.
 */
import type { IncomingMessage } from 'node:http';
import { decode, encode, getToken } from 'next-auth/jwt';
import { env } from '@/env';
import { ROLES, type Role } from '@models/constants';

export interface Session {
  email: string;
  role: Role;
}

export function sessionFromClaims(
  claims: Record<string, unknown> | null | undefined,
  mode: 'open' | 'verified' = env.SHOPPER_AUTH,
): Session | null {
  const email = typeof claims?.email === 'string' ? claims.email : null;
  const role = ROLES.find((r) => r === claims?.role);
  if (!email || !role) return null;
  if (role === 'shopper' && mode === 'verified' && claims?.verified !== true) return null;
  return { email, role };
}

/** The caller's session; `bearerOnly`: from the Authorization header alone, never a cookie. */
export async function sessionFromRequest(req: IncomingMessage | Request, opts: { bearerOnly?: boolean } = {}): Promise<Session | null> {
  const headers = req.headers instanceof Headers ? req.headers : new Headers(req.headers as Record<string, string>);
  const auth = headers.get('authorization');
  if (auth?.startsWith('Bearer ')) {
    const claims = await decode({ token: auth.slice(7).trim(), secret: env.NEXTAUTH_SECRET }).catch(() => null);
    return sessionFromClaims(claims);
  }
  if (opts.bearerOnly) return null;
  const cookieHeader = headers.get('cookie');
  if (!cookieHeader?.includes('session-token')) return null; // anonymous: skip JWT work
  // getToken reads `req.cookies` (a parsed record), which neither Node's IncomingMessage nor a
  // fetch Request has: hand it the parsed Cookie header.
  const claims = await getToken({ req: { headers, cookies: parseCookies(cookieHeader) } as never, secret: env.NEXTAUTH_SECRET }).catch(
    () => null,
  );
  return sessionFromClaims(claims);
}

function parseCookies(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      out[name] = decodeURIComponent(raw);
    } catch {
      out[name] = raw;
    }
  }
  return out;
}

/**
 * Issues a bearer token carrying a session (valid `maxAgeSec`). Only the sign-in endpoints call it,
 * after checking a password or a code: its session is verified.
 */
export function issueToken(session: Session, maxAgeSec = 12 * 3600): Promise<string> {
  return encode({ token: { ...session, sub: session.email, verified: true }, secret: env.NEXTAUTH_SECRET, maxAge: maxAgeSec });
}
