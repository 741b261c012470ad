import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { getSession } from '@/trpc/server';
import { NavLink } from '@/components/nav-link';
import { ForbiddenNotice } from '@/components/forbidden-notice';

export const dynamic = 'force-dynamic';

/** The middleware guards /admin already; this check keeps the pages safe on their own too. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const session = await getSession();
  if (!session) redirect('/signin?as=admin&callbackUrl=%2Fadmin');
  if (session.role !== 'admin') return <ForbiddenNotice session={session} />;
  return (
    <div className="stack">
      <nav aria-label="Admin">
        <ul className="nav">
          <li>
            <NavLink href="/admin" exact>
              Sales
            </NavLink>
          </li>
          <li>
            <NavLink href="/admin/sales/new">New sale</NavLink>
          </li>
          <li>
            <NavLink href="/admin/orders">Orders</NavLink>
          </li>
        </ul>
      </nav>
      {children}
    </div>
  );
}
