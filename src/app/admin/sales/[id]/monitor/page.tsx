import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { QueueMonitor } from '@/components/queue-monitor';

export const metadata: Metadata = { title: 'Admin · Queue monitor' };

export default async function MonitorPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  if (!/^[a-f0-9]{24}$/i.test(id)) notFound();
  const created = (await searchParams).created === '1';
  return <QueueMonitor flashSaleId={id.toLowerCase()} justCreated={created} />;
}
