import Link from 'next/link';
import type { Session } from '@/server/auth/session';
import { SignOutButton } from './sign-out-button';

/** What a signed-in shopper sees on an admin page (served with a 403 by the middleware). */
export function ForbiddenNotice({ session }: { session: Session | null }) {
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
