'use client';
import Link from 'next/link';
import { useState } from 'react';
import { api } from '@/trpc/react';
import type { AdminSale } from '@/trpc/types';
import { formatMoney } from './format';
import { LocalTime } from './local-time';
import { SaleStatusBadge } from './status-badge';
import { DataTable } from './data-table';
import { errorInfo } from './errors';

type Scope = 'all' | 'live' | 'upcoming' | 'ended';

export function AdminSales() {
  const [scope, setScope] = useState<Scope>('all');
  const q = api.sales.list.useQuery({ scope }, { refetchInterval: 5_000 });
  return (
    <div className="stack">
      <div className="page-head">
        <h1>Sales</h1>
        <div className="row">
          <label className="row small" style={{ fontWeight: 600 }}>
            Show
            <select value={scope} onChange={(e) => setScope(e.target.value as Scope)} className="inline-select">
              <option value="all">All</option>
              <option value="live">Live</option>
              <option value="upcoming">Upcoming</option>
              <option value="ended">Ended</option>
            </select>
          </label>
          <Link className="btn" href="/admin/sales/new">
            New sale
          </Link>
        </div>
      </div>
      {q.isPending ? (
        <p aria-busy="true">Loading…</p>
      ) : q.isError ? (
        <div className="notice bad" role="alert">
          {errorInfo(q.error).message}
        </div>
      ) : q.data.length === 0 ? (
        <div className="card">
          <p>No sales here yet.</p>
        </div>
      ) : (
        <DataTable label="Sales" columns={['Name', 'Status', { num: 'Price' }, { num: 'Stock' }, 'Starts', 'Ends', 'Actions']}>
          {q.data.map((s) => (
            <SaleRow key={s.id} sale={s} />
          ))}
        </DataTable>
      )}
    </div>
  );
}

function SaleRow({ sale }: { sale: AdminSale }) {
  return (
    <tr data-testid="admin-sale-row">
      <td data-label="Name">
        <Link href={`/admin/sales/${sale.id}`}>{sale.name}</Link>
      </td>
      <td data-label="Status">
        <SaleStatusBadge status={sale.status} soldOut={sale.currentQuantity <= 0} />
      </td>
      <td data-label="Price" className="num">
        {formatMoney(sale.pricePerUnit)}
      </td>
      <td data-label="Stock" className="num">
        {sale.currentQuantity} / {sale.startingQuantity}
      </td>
      <td data-label="Starts" className="small">
        <LocalTime date={sale.startsAt} />
      </td>
      <td data-label="Ends" className="small">
        <LocalTime date={sale.endsAt} />
      </td>
      <td data-label="Actions">
        <div className="row nowrap">
          <Link className="btn small" href={`/admin/sales/${sale.id}/monitor`} aria-label={`Queue monitor for ${sale.name}`}>
            Monitor
          </Link>
          <Link className="btn small secondary" href={`/admin/sales/${sale.id}`} aria-label={`Edit ${sale.name}`}>
            Edit
          </Link>
        </div>
      </td>
    </tr>
  );
}

/** Two-step delete (no browser dialog): the server refuses while orders, holds or a queue exist. */
export function DeleteSale({ id, name }: { id: string; name: string }) {
  const [armed, setArmed] = useState(false);
  const utils = api.useUtils();
  const del = api.sales.delete.useMutation({
    onSuccess: async () => {
      await utils.sales.list.invalidate();
      window.location.assign('/admin');
    },
  });
  return (
    <section className="card stack" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete this sale</h2>
      <p className="small muted">Only possible while it has no orders, no holds and nobody in line.</p>
      {del.isError && (
        <div className="notice bad" role="alert">
          {errorInfo(del.error).message}
        </div>
      )}
      {armed ? (
        <div className="row">
          <button type="button" className="btn danger" disabled={del.isPending} onClick={() => del.mutate({ id })}>
            {del.isPending ? 'Deleting…' : `Yes, delete “${name}”`}
          </button>
          <button type="button" className="btn secondary" onClick={() => setArmed(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button type="button" className="btn danger" onClick={() => setArmed(true)}>
          Delete sale
        </button>
      )}
    </section>
  );
}
