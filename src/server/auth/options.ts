/**
 * next-auth configuration: JWT sessions carrying `email` and `role`, two Credentials providers.
 *   guest: shoppers, email only (the user is created on first sign-in);
 *   admin: email + password, checked against the bcrypt hash in MongoDB.
 * The same JWT is read by the tRPC handler (src/server/auth/session.ts) and by the middleware.
 */
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { env } from '@/env';
import { defaultDeps } from '../deps';
import { DomainError } from '../errors';
import { guestSignIn, verifyAdmin } from '../users/users.service';
import { ZAdminSignInInput, ZGuestSignInInput } from '../users/users.schema';
import { describeZodError } from '../input-errors';
import { sessionFromClaims, type Session } from './session';
import type { Role } from '@models/constants';

declare module 'next-auth' {
  interface User {
    role: Role;
  }
  interface Session {
    user: { email: string; role: Role };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    email?: string | null;
    role?: Role;
  }
}

/**
 * Errors thrown by `authorize` reach the page as `?error=<message>` (next-auth v4), so they are
 * the user-facing sentence; a plain `null` would only say "CredentialsSignin".
 */
async function authorizeWith(fn: () => Promise<Session>): Promise<{ id: string; email: string; role: Role }> {
  try {
    const s = await fn();
    return { id: s.email, email: s.email, role: s.role };
  } catch (err) {
    if (err instanceof DomainError) throw new Error(err.message);
    console.error('[auth] sign-in failed:', err);
    throw new Error('Sign-in is unavailable right now; please retry');
  }
}

export const authOptions: NextAuthOptions = {
  secret: env.NEXTAUTH_SECRET,
  session: { strategy: 'jwt', maxAge: 12 * 3600 },
  pages: { signIn: '/signin', error: '/signin' },
  providers: [
    CredentialsProvider({
      id: 'guest',
      name: 'Email (shopper)',
      credentials: { email: { label: 'Email', type: 'email' } },
      authorize(credentials) {
        const parsed = ZGuestSignInInput.safeParse({ email: credentials?.email ?? '' });
        if (!parsed.success) throw new Error(describeZodError(parsed.error));
        return authorizeWith(() => guestSignIn(defaultDeps(), parsed.data));
      },
    }),
    CredentialsProvider({
      id: 'admin',
      name: 'Admin',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      authorize(credentials) {
        const parsed = ZAdminSignInInput.safeParse({ email: credentials?.email ?? '', password: credentials?.password ?? '' });
        if (!parsed.success) throw new Error(describeZodError(parsed.error));
        return authorizeWith(() => verifyAdmin(defaultDeps(), parsed.data));
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
      }
      return token;
    },
    session({ session, token }) {
      const s = sessionFromClaims(token);
      if (s) session.user = { email: s.email, role: s.role };
      return session;
    },
  },
};
