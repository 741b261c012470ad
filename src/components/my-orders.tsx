'use client';
import Link from 'next/link';
import { api } from '@/trpc/react';
import { formatMoney } from './format';
import { LocalTime } from './local-time';
import { errorInfo } from './errors';
import { DataTable } from './data-table';
import { PaymentStatusBadge } from './status-badge';

export function MyOrders() {
  const q = api.orders.byEmail.useQuery({});
  if (q.isPending) return <p aria-busy="true">Loading your orders…</p>;
  if (q.isError) {
    return (
      <div className="notice bad" role="alert">
        {errorInfo(q.error).message}
      </div>
    );
  }
  if (q.data.length === 0) {
    return (
      <div className="card">
        <p>No orders yet.</p>
        <Link href="/">Browse the sales</Link>
      </div>
    );
  }
  return (
    <DataTable label="My orders" columns={['Item', { num: 'Paid' }, 'Status', 'Date', 'Order']}>
      {q.data.map((o) => (
        <tr key={o.id} data-testid="order-row">
          <td data-label="Item">
            <Link href={`/sales/${o.flashSaleId}`}>{o.saleName}</Link>
          </td>
          <td data-label="Paid" className="num">
            {formatMoney(o.totalAmount)}
          </td>
          <td data-label="Status">
            <PaymentStatusBadge status={o.paymentStatus} />
          </td>
          <td data-label="Date">
            <LocalTime date={o.createdAt} />
          </td>
          <td data-label="Order" className="mono small">
            {o.id}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
