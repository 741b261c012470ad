'use client';
/**
 * The buyer's side of a sale: Buy (with the bot check when it is on), the waiting room, the live
 * queue view, the hold with its countdown and the mock payment, and every outcome. The pieces:
 * purchase/use-position.ts (SSE with a polling fallback), purchase/use-purchase-actions.ts (buy,
 * confirm, cancel), purchase/bot-check.tsx (the altcha widget), purchase/views.tsx (one component
 * per state). This file only decides which state the buyer is in.
 */
import { useCallback, useState } from 'react';
import type { OrderData, PositionData, PublicSaleData } from '@/trpc/types';
import type { Session } from '@/server/auth/session';
import { formatMoney } from './format';
import { useCountdown } from './use-countdown';
import { BotCheck } from './purchase/bot-check';
import { usePosition } from './purchase/use-position';
import { usePurchaseActions } from './purchase/use-purchase-actions';
import {
  Ended,
  HoldView,
  JoinView,
  Problem,
  Purchased,
  QueueView,
  SessionEnded,
  SignInToBuy,
  SoldOut,
  WaitingRoomView,
} from './purchase/views';

export function PurchasePanel({
  sale,
  session,
  saleState,
  botCheck = false,
}: {
  sale: PublicSaleData;
  session: Session | null;
  /** Sale status as the page sees it now (local countdowns flip it before the next poll). */
  saleState: 'upcoming' | 'ongoing' | 'ended';
  /** The bot defence is on: a buy needs the widget's proof-of-work solution. */
  botCheck?: boolean;
}) {
  const flashSaleId = sale.item.id;
  const signedIn = session !== null;
  const { pos, setPos, transport, sessionEnded } = usePosition(flashSaleId, signedIn);
  const [order, setOrder] = useState<OrderData | null>(null);
  /** Set when this page saw the buyer holding a unit: lets it say "expired" the moment time is up. */
  const [sawHold, setSawHold] = useState(false);
  const [solution, setSolution] = useState<string | null>(null);
  const [round, setRound] = useState(0);

  const onPosition = useCallback(
    (p: PositionData) => {
      setSawHold(false);
      setPos(p);
    },
    [setPos],
  );
  const onPaid = useCallback(
    (o: OrderData) => {
      setOrder(o);
      setPos((p) => (p ? { ...p, status: 'purchased', hasActiveHold: false, holdTtlSec: 0, holdExpiresAt: null } : p));
    },
    [setPos],
  );
  const actions = usePurchaseActions(flashSaleId, onPosition, onPaid);
  const buy = async () => {
    await actions.buy(solution ?? undefined);
    if (!botCheck) return;
    // That solution is spent, whatever the answer: the widget solves the next one.
    setSolution(null);
    setRound((r) => r + 1);
  };

  const holdLeft = useCountdown(pos?.status === 'held' ? pos.holdTtlSec : null, pos?.holdExpiresAt);
  // Adjusting state while rendering (React's pattern for state derived from changing data).
  if (pos?.status === 'held' && !sawHold) setSawHold(true);

  const price = sale.item.pricePerUnit;
  const soldOut = sale.meta.soldOut;
  let status = pos?.status ?? null;
  // Time ran out on this page; the server's release follows within a moment.
  if ((status === 'held' && holdLeft === 0 && !pos?.paying) || (status === 'none' && sawHold)) status = 'expired';
  if (actions.problem?.code === 'ALREADY_PURCHASED') status = 'purchased';
  const leave = { busy: actions.busy, cancelling: actions.cancelling, onLeave: actions.cancel };

  let body: React.ReactNode;
  if (sessionEnded) body = <SessionEnded flashSaleId={flashSaleId} />;
  else if (!signedIn) body = saleState === 'ended' ? <Ended /> : soldOut ? <SoldOut /> : <SignInToBuy flashSaleId={flashSaleId} />;
  else if (status === null) body = <p aria-busy="true">Checking your place…</p>;
  else if (status === 'purchased') body = <Purchased order={order} price={price} />;
  else if (saleState === 'ended' || status === 'closed') body = <Ended closedWhileWaiting={status === 'closed'} />;
  else if (status === 'held' && pos) {
    body = (
      <HoldView
        pos={pos}
        left={holdLeft ?? pos.holdTtlSec}
        price={price}
        paying={actions.paying}
        busy={actions.busy}
        cancelling={actions.cancelling}
        onPay={actions.confirm}
        onCancel={actions.cancel}
      />
    );
  } else if (status === 'waiting' && pos) body = <WaitingRoomView pos={pos} preQueue={sale.item.preQueue} {...leave} />;
  else if (status === 'queued' && pos) body = <QueueView pos={pos} live={transport === 'push'} paused={sale.meta.paused} {...leave} />;
  else if (status === 'sold_out' || (soldOut && status !== 'expired' && status !== 'cancelled')) body = <SoldOut />;
  else {
    // none, expired, cancelled: the buyer may (re)join while the sale runs and units remain.
    body = (
      <JoinView
        status={status === 'expired' || status === 'cancelled' ? status : 'none'}
        upcoming={saleState === 'upcoming'}
        sale={sale}
        soldOut={soldOut}
        busy={actions.busy}
        buying={actions.buying}
        botCheck={botCheck ? { widget: <BotCheck onSolved={setSolution} round={round} />, solved: solution !== null } : undefined}
        onBuy={() => void buy()}
      />
    );
  }

  return (
    <section className="card stack" aria-labelledby="purchase-title">
      <div className="panel-title">
        <h2 id="purchase-title">Get yours</h2>
        <span className="price">{formatMoney(price)}</span>
      </div>
      {actions.problem && actions.problem.code !== 'ALREADY_PURCHASED' && <Problem info={actions.problem} />}
      {body}
    </section>
  );
}
