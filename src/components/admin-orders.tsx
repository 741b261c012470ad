'use client';
import Link from 'next/link';
import { useEffect, useId, useState } from 'react';
import { keepPreviousData } from '@tanstack/react-query';
import { api } from '@/trpc/react';
import { PAYMENT_STATUSES, type PaymentStatus } from '@models/constants';
import { errorInfo } from './errors';
import { formatMoney } from './format';
import { LocalTime } from './local-time';
import { DataTable } from './data-table';
import { PaymentStatusBadge } from './status-badge';

const PAGE_SIZES = [10, 25, 50, 100] as const;

/** Orders across sales: filter by sale, status and email; paged on the server. */
export function AdminOrders({ initialSale }: { initialSale: string }) {
  const id = useId();
  const [sale, setSale] = useState(initialSale);
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [emailInput, setEmailInput] = useState('');
  const [email, setEmail] = useState('');
  // The page belongs to the filters it was chosen under: new filters start again at page 1.
  const [paging, setPaging] = useState({ filters: '', page: 1 });
  const [pageSize, setPageSize] = useState<number>(25);

  // Typing settles for 300 ms before it filters.
  useEffect(() => {
    const t = setTimeout(() => setEmail(emailInput.trim()), 300);
    return () => clearTimeout(t);
  }, [emailInput]);
  const filters = JSON.stringify([sale, status, email, pageSize]);
  const page = paging.filters === filters ? paging.page : 1;
  const setPage = (p: number) => setPaging({ filters, page: p });

  const sales = api.sales.list.useQuery({ scope: 'all' });
  const q = api.orders.adminList.useQuery(
    {
      flashSaleId: sale || undefined,
      status: status || undefined,
      email: email || undefined,
      page,
      pageSize,
    },
    { placeholderData: keepPreviousData, refetchInterval: 5_000 },
  );

  return (
    <div className="stack">
      <div className="page-head">
        <h1>Orders</h1>
        {q.data && (
          <span className="muted" data-testid="orders-total">
            {q.data.total} order{q.data.total === 1 ? '' : 's'}
          </span>
        )}
      </div>
      <form className="filters" role="search" aria-label="Filter orders" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={`${id}-sale`}>
          Sale
          <select id={`${id}-sale`} value={sale} onChange={(e) => setSale(e.target.value)}>
            <option value="">All sales</option>
            {sales.data?.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
            {sale && !sales.data?.some((s) => s.id === sale) && <option value={sale}>{sale}</option>}
          </select>
        </label>
        <label htmlFor={`${id}-status`}>
          Status
          <select id={`${id}-status`} value={status} onChange={(e) => setStatus(e.target.value as PaymentStatus | '')}>
            <option value="">Any</option>
            {PAYMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-email`}>
          Buyer email
          <input
            id={`${id}-email`}
            type="search"
            value={emailInput}
            onChange={(e) => setEmailInput(e.target.value)}
            placeholder="exact email"
          />
        </label>
        <label htmlFor={`${id}-size`}>
          Per page
          <select id={`${id}-size`} value={pageSize} onChange={(e) => setPageSize(Number(e.target.value))}>
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </form>

      {q.isError && !q.data ? (
        <div className="notice bad" role="alert">
          {errorInfo(q.error).message}
        </div>
      ) : !q.data ? (
        <p aria-busy="true">Loading…</p>
      ) : q.data.items.length === 0 ? (
        <div className="card">
          <p>No orders match.</p>
        </div>
      ) : (
        <>
          <DataTable label="Orders" columns={['Date', 'Sale', 'Buyer', { num: 'Amount' }, 'Status', 'Order']}>
            {q.data.items.map((o) => (
              <tr key={o.id} data-testid="admin-order-row">
                <td data-label="Date" className="small">
                  <LocalTime date={o.createdAt} />
                </td>
                <td data-label="Sale">
                  <Link href={`/admin/sales/${o.flashSaleId}/monitor`}>{o.saleName}</Link>
                </td>
                <td data-label="Buyer" className="mono small">
                  {o.userEmail}
                </td>
                <td data-label="Amount" className="num">
                  {formatMoney(o.totalAmount)}
                </td>
                <td data-label="Status">
                  <PaymentStatusBadge status={o.paymentStatus} />
                </td>
                <td data-label="Order" className="mono small">
                  {o.id}
                </td>
              </tr>
            ))}
          </DataTable>
          <nav className="pager" aria-label="Pages">
            <button type="button" className="btn small secondary" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <span className="small" aria-live="polite">
              Page {q.data.page} of {q.data.pages}
            </span>
            <button type="button" className="btn small secondary" disabled={page >= q.data.pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
        </>
      )}
    </div>
  );
}
