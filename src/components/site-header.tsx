import Link from 'next/link';
import type { Session } from '@/server/auth/session';
import { NavLink } from './nav-link';
import { SignOutButton } from './sign-out-button';

export function SiteHeader({ session }: { session: Session | null }) {
  return (
    <header className="site-header">
      <div className="inner">
        <Link href="/" className="brand">
          Flash<span>Sale</span>
        </Link>
        <nav aria-label="Main">
          <ul className="nav">
            <li>
              <NavLink href="/" exact>
                Sales
              </NavLink>
            </li>
            {session && (
              <li>
                <NavLink href="/orders">My orders</NavLink>
              </li>
            )}
            {session?.role === 'admin' && (
              <li>
                <NavLink href="/admin">Admin</NavLink>
              </li>
            )}
            <li>
              <NavLink href="/health">Status</NavLink>
            </li>
          </ul>
        </nav>
        <div className="row">
          {session ? (
            <>
              <span className="who" data-testid="signed-in-as">
                {session.email}
                {session.role === 'admin' ? ' (admin)' : ''}
              </span>
              <SignOutButton />
            </>
          ) : (
            <Link className="btn small" href="/signin">
              Sign in
            </Link>
          )}
        </div>
      </div>
    </header>
  );
}
