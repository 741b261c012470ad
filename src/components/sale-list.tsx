'use client';
import Link from 'next/link';
import { api } from '@/trpc/react';
import type { SaleListItem } from '@/trpc/types';
import { formatDuration, formatMoney, spokenDuration } from './format';
import { SaleStatusBadge } from './status-badge';
import { StockSold } from './stock';
import { useNow } from './use-now';

/** The shop front: live and upcoming sales, refreshed every few seconds. */
export function SaleList({ initial, serverNow }: { initial: SaleListItem[]; serverNow: number }) {
  const now = useNow(serverNow);
  const { data = initial } = api.sales.listPublic.useQuery(undefined, { initialData: initial, refetchInterval: 5_000 });
  if (data.length === 0) {
    return (
      <div className="card">
        <p>No sales are live or coming up right now. Check back soon.</p>
      </div>
    );
  }
  return (
    <ul className="sale-grid" aria-label="Sales">
      {data.map((s) => (
        <SaleCard key={s.id} sale={s} now={now} />
      ))}
    </ul>
  );
}

function SaleCard({ sale, now }: { sale: SaleListItem; now: number }) {
  const startsIn = Math.max(0, Math.ceil((new Date(sale.startsAt).getTime() - now) / 1000));
  const endsIn = Math.max(0, Math.ceil((new Date(sale.endsAt).getTime() - now) / 1000));
  const soldOut = sale.currentQuantity <= 0;
  return (
    <li className="card sale-card" data-testid="sale-card">
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <h2>
          <Link href={`/sales/${sale.id}`}>{sale.name}</Link>
        </h2>
        <SaleStatusBadge status={startsIn > 0 ? 'upcoming' : endsIn > 0 ? 'ongoing' : 'ended'} soldOut={soldOut} />
      </div>
      {sale.description && <p className="muted small">{sale.description.slice(0, 160)}</p>}
      <div className="price">{formatMoney(sale.pricePerUnit)}</div>
      <StockSold remaining={sale.currentQuantity} starting={sale.startingQuantity} />
      <p className="small">
        {startsIn > 0 ? 'Starts in' : 'Ends in'}{' '}
        <span className="countdown" aria-label={spokenDuration(startsIn > 0 ? startsIn : endsIn)}>
          {formatDuration(startsIn > 0 ? startsIn : endsIn)}
        </span>
      </p>
      {/* The name starts with the visible text, as speech input users say what they see. */}
      <Link className="btn" href={`/sales/${sale.id}`} aria-label={`View sale: ${sale.name}`}>
        View sale
      </Link>
    </li>
  );
}
