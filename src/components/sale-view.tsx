'use client';
import { api } from '@/trpc/react';
import type { PublicSaleData } from '@/trpc/types';
import type { Session } from '@/server/auth/session';
import { formatDuration, formatMoney, spokenDuration } from './format';
import { useCountdown } from './use-countdown';
import { SaleStatusBadge } from './status-badge';
import { StockBreakdown } from './stock';
import { LocalTime } from './local-time';
import { PurchasePanel } from './purchase-panel';

/** One sale, live: status, countdowns and stock refresh every second; the purchase panel beside it. */
export function SaleView({ initial, session, botCheck = false }: { initial: PublicSaleData; session: Session | null; botCheck?: boolean }) {
  const { data: sale = initial } = api.sales.public.useQuery(
    { flashSaleId: initial.item.id },
    { initialData: initial, refetchInterval: 1_000, staleTime: 0 },
  );
  const { item, meta } = sale;
  const startsIn = useCountdown(meta.startsInSec) ?? meta.startsInSec;
  const endsIn = useCountdown(meta.endsInSec) ?? meta.endsInSec;
  // Local countdowns flip the state on time; the next poll confirms it.
  const state: 'upcoming' | 'ongoing' | 'ended' =
    meta.status === 'upcoming' && startsIn > 0 ? 'upcoming' : meta.status !== 'ended' && endsIn > 0 ? 'ongoing' : 'ended';

  return (
    <div className="grid two">
      <article className="card stack" aria-labelledby="sale-name">
        <div className="row" style={{ justifyContent: 'space-between' }}>
          <h1 id="sale-name" style={{ margin: 0 }}>
            {item.name}
          </h1>
          <SaleStatusBadge status={state} soldOut={meta.soldOut} />
        </div>
        <div className="price">{formatMoney(item.pricePerUnit)}</div>
        {item.description && <p style={{ whiteSpace: 'pre-line' }}>{item.description}</p>}
        <StockBreakdown
          starting={meta.progress.starting}
          remaining={meta.progress.remaining}
          available={meta.available}
          holdsLive={meta.holdsLive}
          state={state}
        />
        <p data-testid="sale-countdown" aria-live="off">
          {state === 'upcoming' ? (
            <>
              Starts in{' '}
              <span className="countdown big-number" aria-label={spokenDuration(startsIn)}>
                {formatDuration(startsIn)}
              </span>
            </>
          ) : state === 'ongoing' ? (
            <>
              Ends in{' '}
              <span className="countdown big-number" aria-label={spokenDuration(endsIn)}>
                {formatDuration(endsIn)}
              </span>
            </>
          ) : (
            <strong>This sale has ended.</strong>
          )}
        </p>
        <dl className="small muted" style={{ margin: 0 }}>
          <div>
            <dt style={{ display: 'inline' }}>Starts: </dt>
            <dd style={{ display: 'inline', margin: 0 }}>
              <LocalTime date={item.startsAt} />
            </dd>
          </div>
          <div>
            <dt style={{ display: 'inline' }}>Ends: </dt>
            <dd style={{ display: 'inline', margin: 0 }}>
              <LocalTime date={item.endsAt} />
            </dd>
          </div>
          {state === 'upcoming' && item.preQueue && (
            <div>
              <dt style={{ display: 'inline' }}>In the waiting room: </dt>
              <dd style={{ display: 'inline', margin: 0 }} data-testid="public-waiting-room-size">
                {meta.waitingRoomSize}
              </dd>
            </div>
          )}
          {state === 'ongoing' && (
            <div>
              <dt style={{ display: 'inline' }}>In line right now: </dt>
              <dd style={{ display: 'inline', margin: 0 }} data-testid="public-queue-size">
                {meta.queueSize}
              </dd>
            </div>
          )}
        </dl>
        {state === 'ongoing' && meta.fastPass && !meta.soldOut && (
          <p className="notice warn small" style={{ margin: 0 }}>
            Last units: they go strictly in queue order now.
          </p>
        )}
      </article>
      <PurchasePanel sale={sale} session={session} saleState={state} botCheck={botCheck} />
    </div>
  );
}
