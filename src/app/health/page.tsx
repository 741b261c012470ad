import type { Metadata } from 'next';
import Link from 'next/link';
import { serverApi } from '@/trpc/server';
import { DataTable } from '@/components/data-table';

export const metadata: Metadata = { title: 'Service status' };
export const dynamic = 'force-dynamic';

const NAMES = { redis: 'Redis (queue, holds, stock)', mongo: 'MongoDB (sales, orders)', temporal: 'Temporal (hold workflows)' } as const;

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function HealthPage({ searchParams }: Props) {
  const roundTrip = (await searchParams).roundTrip === '1';
  const api = await serverApi();
  const h = await api.health.check({ roundTrip });
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Service status</h1>
        <span className={`badge ${h.ok ? 'ok' : 'bad'}`} data-testid="health-overall">
          {h.ok ? 'All systems go' : 'Degraded'}
        </span>
      </div>
      <DataTable label="Services" columns={['Service', 'State', { num: 'Latency' }, 'Detail']}>
        {(Object.keys(NAMES) as (keyof typeof NAMES)[]).map((k) => {
          const s = h.services[k];
          return (
            <tr key={k} data-testid={`health-${k}`} data-ok={s.ok}>
              <th scope="row" data-label="Service">
                {NAMES[k]}
              </th>
              <td data-label="State">
                <span className={`dot ${s.ok ? 'ok' : 'bad'}`} aria-hidden="true" />
                {s.ok ? 'Up' : 'Down'}
              </td>
              <td data-label="Latency" className="num">
                {s.latencyMs} ms
              </td>
              <td data-label="Detail" className="small">
                {s.detail}
              </td>
            </tr>
          );
        })}
      </DataTable>
      <p className="small muted">
        MongoDB server: {h.mongoKind === 'jongodb' ? 'jongodb (wire-compatible stand-in)' : h.mongoKind}.{' '}
        {roundTrip ? (
          <Link href="/health">Check without a workflow round trip</Link>
        ) : (
          <Link href="/health?roundTrip=1">Also run a workflow through the worker</Link>
        )}
      </p>
    </div>
  );
}
