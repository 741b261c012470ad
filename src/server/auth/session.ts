/**
 * Who is calling: a next-auth session cookie (browser) or an `Authorization: Bearer` token issued by
 * the admin sign-in endpoint (REST, k6). Both are next-auth JWTs signed with NEXTAUTH_SECRET.
 */
import type { IncomingMessage } from 'node:http';
import { decode, encode, getToken } from 'next-auth/jwt';
import { env } from '@/env';
import { ROLES, type Role } from '@models/constants';

export interface Session {
  email: string;
  role: Role;
}

export function sessionFromClaims(claims: Record<string, unknown> | null | undefined): Session | null {
  const email = typeof claims?.email === 'string' ? claims.email : null;
  const role = ROLES.find((r) => r === claims?.role);
  return email && role ? { email, role } : null;
}

export async function sessionFromRequest(req: IncomingMessage | Request): Promise<Session | null> {
  const headers = req.headers instanceof Headers ? req.headers : new Headers(req.headers as Record<string, string>);
  const auth = headers.get('authorization');
  if (auth?.startsWith('Bearer ')) {
    const claims = await decode({ token: auth.slice(7).trim(), secret: env.NEXTAUTH_SECRET }).catch(() => null);
    return sessionFromClaims(claims);
  }
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

/** Issues a bearer token carrying a session (valid `maxAgeSec`). */
export function issueToken(session: Session, maxAgeSec = 12 * 3600): Promise<string> {
  return encode({ token: { ...session, sub: session.email }, secret: env.NEXTAUTH_SECRET, maxAge: maxAgeSec });
}
