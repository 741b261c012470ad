import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { cache } from 'react';
import { TRPCError } from '@trpc/server';
import { getSession, serverApi } from '@/trpc/server';
import { SaleView } from '@/components/sale-view';
import { env } from '@/env';

export const dynamic = 'force-dynamic';

type Props = { params: Promise<{ id: string }> };

const loadSale = cache(async (id: string) => {
  if (!/^[a-f0-9]{24}$/i.test(id)) return null;
  const api = await serverApi();
  try {
    return await api.sales.public({ flashSaleId: id });
  } catch (err) {
    if (err instanceof TRPCError && err.code === 'NOT_FOUND') return null;
    throw err;
  }
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const sale = await loadSale((await params).id);
  return { title: sale ? sale.item.name : 'Sale not found' };
}

export default async function SalePage({ params }: Props) {
  const sale = await loadSale((await params).id);
  if (!sale) notFound();
  return <SaleView initial={sale} session={await getSession()} botCheck={env.BOT_CHALLENGE === 'pow'} />;
}
