import type { Metadata } from 'next';
import Link from 'next/link';
import { getSession } from '@/trpc/server';
import { SignOutButton } from '@/components/sign-out-button';

export const metadata: Metadata = { title: 'Admins only' };
export const dynamic = 'force-dynamic';

/** Shown (with a 403) when a signed-in shopper opens an admin page. */
export default async function ForbiddenPage() {
  const session = await getSession();
  return (
    <div className="card stack" style={{ maxWidth: 560, margin: '0 auto' }} data-testid="forbidden">
      <h1>Admins only</h1>
      <p>
        This part of the site is for the people who run the sales.
        {session ? ` You are signed in as ${session.email}, a shopper account.` : ''}
      </p>
      <div className="row">
        <Link className="btn" href="/">
          Back to the sales
        </Link>
        {session && <SignOutButton callbackUrl="/signin?as=admin" />}
      </div>
    </div>
  );
}
