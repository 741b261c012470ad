'use client';
import Link from 'next/link';
import { api } from '@/trpc/react';
import { formatMoney } from './format';
import { LocalTime } from './local-time';
import { errorInfo } from './errors';

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
    <div className="table-wrap">
      <table className="cards-on-phone" aria-label="My orders">
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" className="num">
              Paid
            </th>
            <th scope="col">Status</th>
            <th scope="col">Date</th>
            <th scope="col">Order</th>
          </tr>
        </thead>
        <tbody>
          {q.data.map((o) => (
            <tr key={o.id} data-testid="order-row">
              <td data-label="Item">
                <Link href={`/sales/${o.flashSaleId}`}>{o.saleName}</Link>
              </td>
              <td data-label="Paid" className="num">
                {formatMoney(o.totalAmount)}
              </td>
              <td data-label="Status">
                <span className={`badge ${o.paymentStatus === 'paid' ? 'ok' : 'muted'}`}>{o.paymentStatus}</span>
              </td>
              <td data-label="Date">
                <LocalTime date={o.createdAt} />
              </td>
              <td data-label="Order" className="mono small">
                {o.id}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
