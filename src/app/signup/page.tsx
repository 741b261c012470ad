import type { Metadata } from 'next';
import Link from 'next/link';
import { serverApi } from '@/trpc/server';
import { SignUpForm } from '@/components/sign-up-form';

export const metadata: Metadata = { title: 'Admin sign-up', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The first admin's sign-up, reached only through the one-time link the server prints while no
 * admin exists (`/signup?token=...`). Without a valid token the middleware answers 403 and this
 * page explains; the sign-up procedure checks the token again.
 */
export default async function SignUpPage({ searchParams }: Props) {
  const raw = (await searchParams).token;
  const token = typeof raw === 'string' ? raw.slice(0, 200) : '';
  const api = await serverApi();
  const { linkValid, adminExists } = await api.users.signUpStatus({ token });
  if (adminExists) {
    return (
      <div className="card stack" style={{ maxWidth: 460, margin: '0 auto' }} data-testid="signup-closed">
        <h1>Sign-up is closed</h1>
        <p>An admin account already exists. Admins add further admins with the command line.</p>
        <p>
          <Link href="/signin?as=admin">Sign in as an admin</Link>
        </p>
      </div>
    );
  }
  if (!linkValid) {
    return (
      <div className="card stack" style={{ maxWidth: 460, margin: '0 auto' }} data-testid="signup-refused">
        <h1>Sign-up needs the setup link</h1>
        <p>
          The first admin account is created through the one-time link the server printed when it started. The link works once, until the
          server restarts; restart it for a new one.
        </p>
        <p>
          Or create the admin on the server: <code>npm run admin:create -- --email you@example.com</code>
        </p>
      </div>
    );
  }
  return <SignUpForm token={token} />;
}
