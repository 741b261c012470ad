import type { Metadata } from 'next';
import { getSession } from '@/trpc/server';
import { ForbiddenNotice } from '@/components/forbidden-notice';

export const metadata: Metadata = { title: 'Admins only' };
export const dynamic = 'force-dynamic';

/** The middleware rewrites /admin/** here (status 403) for signed-in shoppers. */
export default async function ForbiddenPage() {
  return <ForbiddenNotice session={await getSession()} />;
}
