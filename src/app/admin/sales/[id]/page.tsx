import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { TRPCError } from '@trpc/server';
import { serverApi } from '@/trpc/server';
import { SaleForm } from '@/components/sale-form';
import { DeleteSale } from '@/components/admin-sales';
import { SaleLifecycle } from '@/components/sale-lifecycle';

export const metadata: Metadata = { title: 'Admin · Edit sale' };
export const dynamic = 'force-dynamic';

export default async function EditSalePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[a-f0-9]{24}$/i.test(id)) notFound();
  const api = await serverApi();
  const sale = await api.sales.get({ id }).catch((err: unknown) => {
    if (err instanceof TRPCError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
  if (!sale) notFound();
  const started = sale.startsAt.getTime() <= Date.now();
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Edit “{sale.name}”</h1>
        <div className="row">
          <Link className="btn small" href={`/admin/sales/${sale.id}/monitor`}>
            Queue monitor
          </Link>
          <Link className="btn small secondary" href={`/sales/${sale.id}`}>
            Public page
          </Link>
        </div>
      </div>
      {started && sale.endsAt.getTime() > Date.now() && <SaleLifecycle id={sale.id} endsAt={sale.endsAt} pausedAt={sale.pausedAt} />}
      <SaleForm sale={sale} started={started} />
      <DeleteSale id={sale.id} name={sale.name} />
    </div>
  );
}
