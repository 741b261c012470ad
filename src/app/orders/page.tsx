import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getSession } from '@/trpc/server';
import { MyOrders } from '@/components/my-orders';

export const metadata: Metadata = { title: 'My orders' };
export const dynamic = 'force-dynamic';

export default async function OrdersPage() {
  const session = await getSession();
  if (!session) redirect('/signin?callbackUrl=%2Forders');
  return (
    <div className="stack">
      <div className="page-head">
        <h1>My orders</h1>
        <p className="muted">Signed in as {session.email}</p>
      </div>
      <MyOrders />
    </div>
  );
}
