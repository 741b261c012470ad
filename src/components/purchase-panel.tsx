'use client';
/**
 * The buyer's side of a sale: Buy, the live queue view, the hold with its countdown and the mock
 * payment, and every outcome. The position is pushed over SSE (`orders.watch`); if that does not
 * answer, the panel polls `orders.position` every second instead.
 */
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/trpc/react';
import type { OrderData, PositionData, PublicSaleData } from '@/trpc/types';
import type { Session } from '@/server/auth/session';
import { errorInfo, type ErrorInfo } from './errors';
import { formatDuration, formatMoney, plural, spokenDuration } from './format';
import { useCountdown } from './use-countdown';
import { PaymentForm } from './payment-form';

type Transport = 'connecting' | 'push' | 'poll';

/** How long the push channel may stay silent before the panel polls instead. */
const PUSH_GRACE_MS = 3_000;

export function PurchasePanel({
  sale,
  session,
  saleState,
}: {
  sale: PublicSaleData;
  session: Session | null;
  /** Sale status as the page sees it now (local countdowns flip it before the next poll). */
  saleState: 'upcoming' | 'ongoing' | 'ended';
}) {
  const flashSaleId = sale.item.id;
  const signedIn = session !== null;
  const [pos, setPos] = useState<PositionData | null>(null);
  const [transport, setTransport] = useState<Transport>('connecting');
  const [order, setOrder] = useState<OrderData | null>(null);
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  /** Set when this page saw the buyer holding a unit: lets it say "expired" the moment time is up. */
  const heldRef = useRef<{ expiresKey: string | null } | null>(null);

  api.orders.watch.useSubscription(
    { flashSaleId },
    {
      enabled: signedIn,
      onData: (v) => {
        setPos(v);
        setTransport('push');
      },
      onError: () => setTransport('poll'),
    },
  );
  useEffect(() => {
    if (!signedIn) return;
    const t = setTimeout(() => setTransport((cur) => (cur === 'connecting' ? 'poll' : cur)), PUSH_GRACE_MS);
    return () => clearTimeout(t);
  }, [signedIn]);
  const polled = api.orders.position.useQuery(
    { flashSaleId },
    {
      enabled: signedIn && transport === 'poll',
      // Stop on answers that repeating will not change (e.g. the session ended).
      refetchInterval: (q) => (q.state.error && errorInfo(q.state.error).httpStatus === 401 ? false : 1_000),
      staleTime: 0,
    },
  );
  const sessionEnded = errorInfo(polled.error).httpStatus === 401;
  useEffect(() => {
    if (transport === 'poll' && polled.data) setPos(polled.data);
  }, [polled.data, transport]);

  const buy = api.orders.buy.useMutation({
    onMutate: () => setProblem(null),
    onSuccess: (r) => {
      heldRef.current = null;
      setPos(r);
    },
    onError: (e) => setProblem(errorInfo(e)),
  });
  const confirm = api.orders.confirm.useMutation({
    onMutate: () => setProblem(null),
    onSuccess: (o) => {
      setOrder(o);
      setPos((p) => (p ? { ...p, status: 'purchased', hasActiveHold: false, holdTtlSec: 0, holdExpiresAt: null } : p));
    },
    onError: (e) => setProblem(errorInfo(e)),
  });
  const cancel = api.orders.cancel.useMutation({
    onMutate: () => setProblem(null),
    onSuccess: (after) => {
      heldRef.current = null;
      setPos(after);
    },
    onError: (e) => setProblem(errorInfo(e)),
  });

  const holdLeft = useCountdown(pos?.status === 'held' ? pos.holdTtlSec : null, pos?.holdExpiresAt);
  if (pos?.status === 'held') heldRef.current = { expiresKey: pos.holdExpiresAt };
  const busy = buy.isPending || confirm.isPending || cancel.isPending;

  // ---- what to show -------------------------------------------------------------------------
  const price = sale.item.pricePerUnit;
  const soldOut = sale.meta.soldOut;
  let status = pos?.status ?? null;
  // Time ran out on this page; the server's release follows within a moment.
  if ((status === 'held' && holdLeft === 0 && !pos?.paying) || (status === 'none' && heldRef.current)) status = 'expired';
  if (problem?.code === 'ALREADY_PURCHASED') status = 'purchased';

  let body: React.ReactNode;
  if (sessionEnded) {
    body = (
      <div className="notice warn stack" role="alert">
        <p style={{ margin: 0 }}>Your session has ended. Sign in again to keep your place.</p>
        <Link href={`/signin?callbackUrl=${encodeURIComponent(`/sales/${flashSaleId}`)}`}>Sign in</Link>
      </div>
    );
  } else if (!signedIn) {
    body =
      saleState === 'ended' ? (
        <Ended />
      ) : soldOut ? (
        <SoldOut />
      ) : (
        <div className="stack">
          <p>Sign in with your email to join the queue. No password needed.</p>
          <Link className="btn wide" href={`/signin?callbackUrl=${encodeURIComponent(`/sales/${flashSaleId}`)}`}>
            Sign in to buy
          </Link>
        </div>
      );
  } else if (status === null) {
    body = <p aria-busy="true">Checking your place…</p>;
  } else if (status === 'purchased') {
    body = <Purchased order={order} price={price} />;
  } else if (saleState === 'ended' || status === 'closed') {
    body = <Ended closedWhileWaiting={status === 'closed'} />;
  } else if (status === 'held' && pos) {
    const left = holdLeft ?? pos.holdTtlSec;
    body = (
      <div className="stack" data-testid="hold-view">
        <div className="notice ok">
          <h3>A unit is reserved for you</h3>
          <p className="small">Pay before the timer runs out, or the unit goes to the next person in line.</p>
          <div
            className={`hold-timer${left <= 60 ? ' low' : ''}`}
            role="timer"
            aria-label={`Time left to pay: ${spokenDuration(left)}`}
            data-testid="hold-countdown"
          >
            {formatDuration(left)}
          </div>
        </div>
        <PaymentForm
          amount={price}
          busy={confirm.isPending || pos.paying}
          disabled={busy && !confirm.isPending}
          onPay={() => confirm.mutate({ flashSaleId })}
        />
        <button type="button" className="btn secondary wide" disabled={busy || pos.paying} onClick={() => cancel.mutate({ flashSaleId })}>
          {cancel.isPending ? 'Releasing…' : 'Cancel and release the unit'}
        </button>
      </div>
    );
  } else if (status === 'queued' && pos) {
    body = (
      <div className="stack" data-testid="queue-view">
        <div className="notice info">
          <h3>You&apos;re in line</h3>
          <p className="small" aria-live="polite" data-testid="queue-summary">
            {pos.ahead === 0
              ? 'You are next. A unit is yours as soon as one is free.'
              : `${plural(pos.ahead, 'person', 'people')} ahead of you.`}
          </p>
        </div>
        <dl className="queue-figures">
          <div>
            <dt>Your place</dt>
            <dd data-testid="queue-position">#{pos.position}</dd>
          </div>
          <div>
            <dt>Ahead of you</dt>
            <dd data-testid="queue-ahead">{pos.ahead}</dd>
          </div>
          <div>
            <dt>In line</dt>
            <dd data-testid="queue-size">{pos.size}</dd>
          </div>
        </dl>
        <p className="small" data-testid="queue-eta">
          <strong>Estimated wait: </strong>
          {pos.etaSec === null
            ? 'every unit is held by someone paying right now; you move up when one is released or its hold runs out.'
            : pos.etaSec <= 1
              ? 'any moment now.'
              : `about ${formatDuration(pos.etaSec)}.`}
        </p>
        <p className="hint">{transport === 'push' ? 'Live: your place updates by itself.' : 'Updating every second.'}</p>
        <button type="button" className="btn secondary wide" disabled={busy} onClick={() => cancel.mutate({ flashSaleId })}>
          {cancel.isPending ? 'Leaving…' : 'Leave the queue'}
        </button>
      </div>
    );
  } else if (status === 'sold_out' || (soldOut && status !== 'expired' && status !== 'cancelled')) {
    body = <SoldOut />;
  } else {
    // none, expired, cancelled: the buyer may (re)join while the sale runs and units remain.
    const upcoming = saleState === 'upcoming';
    body = (
      <div className="stack">
        {status === 'expired' && (
          <div className="notice warn" role="status" data-testid="outcome-expired">
            <h3>Your hold expired</h3>
            <p className="small">Time ran out before payment, so the unit went back on sale. Nothing was charged.</p>
          </div>
        )}
        {status === 'cancelled' && (
          <div className="notice info" role="status" data-testid="outcome-cancelled">
            <h3>You released your place</h3>
            <p className="small">Nothing was charged. You can join the queue again while the sale lasts.</p>
          </div>
        )}
        {soldOut ? (
          <SoldOut />
        ) : (
          <>
            <button type="button" className="btn wide" disabled={busy || upcoming} onClick={() => buy.mutate({ flashSaleId })}>
              {buy.isPending ? 'Joining…' : upcoming ? 'Buying opens when the sale starts' : status === 'none' ? `Buy now · ${formatMoney(price)}` : 'Join the queue again'}
            </button>
            <p className="hint">One per person. You join a first-come, first-served queue and get a unit to pay for as soon as one is free.</p>
          </>
        )}
      </div>
    );
  }

  return (
    <section className="card stack" aria-labelledby="purchase-title">
      <div className="panel-title">
        <h2 id="purchase-title">Get yours</h2>
        <span className="price">{formatMoney(price)}</span>
      </div>
      {problem && problem.code !== 'ALREADY_PURCHASED' && <Problem info={problem} />}
      {body}
    </section>
  );
}

function Purchased({ order, price }: { order: OrderData | null; price: number }) {
  return order ? (
    <div className="notice ok stack" role="status" data-testid="outcome-purchased">
      <h3>Purchased!</h3>
      <p className="small">
        Order <span className="mono">{order.id}</span> for {formatMoney(order.totalAmount)} is paid.
      </p>
      <Link href="/orders">See my orders</Link>
    </div>
  ) : (
    <div className="notice ok stack" role="status" data-testid="outcome-already-purchased">
      <h3>You already bought this</h3>
      <p className="small">It&apos;s one per person, and yours is paid ({formatMoney(price)}).</p>
      <Link href="/orders">See my orders</Link>
    </div>
  );
}

function SoldOut() {
  return (
    <div className="notice bad" role="status" data-testid="outcome-sold-out">
      <h3>Sold out</h3>
      <p className="small">Every unit has been sold. Thanks for queueing.</p>
    </div>
  );
}

function Ended({ closedWhileWaiting = false }: { closedWhileWaiting?: boolean }) {
  return (
    <div className="notice" role="status" data-testid="outcome-ended">
      <h3>This sale has ended</h3>
      <p className="small">
        {closedWhileWaiting ? 'It closed before a unit came free for you. Nothing was charged.' : 'Buying is closed.'}
      </p>
    </div>
  );
}

const PROBLEM_TEXT: Record<string, string> = {
  SOLD_OUT: 'Sold out: every unit is taken.',
  SALE_ENDED: 'The sale has ended.',
  SALE_NOT_STARTED: 'The sale has not started yet.',
};

function Problem({ info }: { info: ErrorInfo }) {
  const text = (info.code && PROBLEM_TEXT[info.code]) || info.message;
  return (
    <div className="notice bad" role="alert" data-testid="purchase-error">
      <p style={{ margin: 0 }}>{text}</p>
    </div>
  );
}
