/**
 * next-auth configuration: JWT sessions carrying `email`, `role` and `verified`, and Credentials
 * providers:
 *   shopper-code: shoppers, email + the one-time code mailed to them (./sign-in-codes.ts);
 *   guest:        shoppers by email alone, only with SHOPPER_AUTH=open (the original system's way);
 *   admin:        email + password, checked against the bcrypt hash in MongoDB.
 * Code checks and admin passwords are rate limited per address and per email, as over REST.
 * The same JWT is read by the tRPC handler (src/server/auth/session.ts) and by the middleware.
 */
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '@/env';
import { defaultDeps } from '../deps';
import { DomainError } from '../errors';
import { CLIENT_IP_HEADER } from '../http/client-ip';
import { checkRateLimit, rateLimitSettings, type RateAction } from '../ratelimit';
import { shopperSignIn, verifyAdmin } from '../users/users.service';
import { ZAdminSignInInput, ZGuestSignInInput, ZShopperCodeVerify } from '../users/users.schema';
import { describeZodError } from '../input-errors';
import { sessionFromClaims, type Session } from './session';
import { verifySignInCode } from './sign-in-codes';
import type { Role } from '@models/constants';

declare module 'next-auth' {
  interface User {
    role: Role;
    /** The email was proven (a code) or the password checked; false for an open-mode guest. */
    verified: boolean;
  }
  interface Session {
    user: { email: string; role: Role; verified: boolean };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    email?: string | null;
    role?: Role;
    verified?: boolean;
  }
}

/**
 * Errors thrown by `authorize` reach the page as `?error=<message>` (next-auth v4), so they are
 * the user-facing sentence; a plain `null` would only say "CredentialsSignin".
 */
async function authorizeWith(
  fn: () => Promise<Session>,
  verified: boolean,
): Promise<{ id: string; email: string; role: Role; verified: boolean }> {
  try {
    const s = await fn();
    return { id: s.email, email: s.email, role: s.role, verified };
  } catch (err) {
    if (err instanceof DomainError) throw new Error(err.message, { cause: err });
    console.error('[auth] sign-in failed:', err);
    throw new Error('Sign-in is unavailable right now; please retry', { cause: err });
  }
}

/** The limits of a sign-in step; the address is the one the app's request handler worked out. */
function limited(action: RateAction, headers: Record<string, unknown> | undefined, email: string): Promise<void> {
  const ip = headers?.[CLIENT_IP_HEADER];
  return checkRateLimit(defaultDeps().redis, rateLimitSettings(), action, { ip: typeof ip === 'string' && ip ? ip : 'unknown', email });
}

const guestProvider = CredentialsProvider({
  id: 'guest',
  name: 'Email (shopper)',
  credentials: { email: { label: 'Email', type: 'email' } },
  authorize(credentials) {
    const parsed = ZGuestSignInInput.safeParse({ email: credentials?.email ?? '' });
    if (!parsed.success) throw new Error(describeZodError(parsed.error));
    return authorizeWith(() => shopperSignIn(defaultDeps(), parsed.data), false);
  },
});

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: 'jwt', maxAge: 12 * 3600 },
  pages: { signIn: '/signin', error: '/signin' },
  providers: [
    CredentialsProvider({
      id: 'shopper-code',
      name: 'Email and code (shopper)',
      credentials: { email: { label: 'Email', type: 'email' }, code: { label: 'Code', type: 'text' } },
      authorize(credentials, req) {
        const parsed = ZShopperCodeVerify.safeParse({ email: credentials?.email ?? '', code: credentials?.code ?? '' });
        if (!parsed.success) throw new Error(describeZodError(parsed.error));
        return authorizeWith(async () => {
          await limited('verify', req?.headers, parsed.data.email);
          return verifySignInCode(defaultDeps(), parsed.data);
        }, true);
      },
    }),
    ...(env.SHOPPER_AUTH === 'open' ? [guestProvider] : []),
    CredentialsProvider({
      id: 'admin',
      name: 'Admin',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      authorize(credentials, req) {
        const parsed = ZAdminSignInInput.safeParse({ email: credentials?.email ?? '', password: credentials?.password ?? '' });
        if (!parsed.success) throw new Error(describeZodError(parsed.error));
        return authorizeWith(async () => {
          await limited('signin', req?.headers, parsed.data.email);
          return verifyAdmin(defaultDeps(), parsed.data);
        }, true);
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      // `user` is only there on sign-in: copy the claims the rest of the app reads.
      if (user) {
        token.sub = user.email ?? undefined;
        token.email = user.email;
        token.role = user.role;
        token.verified = user.verified;
      }
      return token;
    },
    session({ session, token }) {
      const s = sessionFromClaims(token);
      if (s) session.user = { email: s.email, role: s.role, verified: token.verified === true };
      return session;
    },
  },
};
