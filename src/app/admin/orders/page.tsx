import type { Metadata } from 'next';
import { AdminOrders } from '@/components/admin-orders';

export const metadata: Metadata = { title: 'Admin · Orders' };

export default async function AdminOrdersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const sale = typeof sp.sale === 'string' && /^[a-f0-9]{24}$/i.test(sp.sale) ? sp.sale.toLowerCase() : '';
  return <AdminOrders initialSale={sale} />;
}
