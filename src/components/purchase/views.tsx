/**
 * What the purchase panel shows, one small component per state of the buyer: not signed in, the
 * session ended, holding a unit, in the queue, in the waiting room, free to join (or rejoin), and
 * the outcomes. Each takes only what it shows and the actions it offers.
 */
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { OrderData, PositionData, PublicSaleData } from '@/trpc/types';
import type { ErrorInfo } from '../errors';
import { formatDuration, formatMoney, plural, spokenDuration } from '../format';
import { PaymentForm } from '../payment-form';

type PreQueue = PublicSaleData['item']['preQueue'];

const signInHref = (flashSaleId: string) => `/signin?callbackUrl=${encodeURIComponent(`/sales/${flashSaleId}`)}`;

export function SessionEnded({ flashSaleId }: { flashSaleId: string }) {
  return (
    <div className="notice warn stack" role="alert">
      <p style={{ margin: 0 }}>Your session has ended. Sign in again to keep your place.</p>
      <Link href={signInHref(flashSaleId)}>Sign in</Link>
    </div>
  );
}

export function SignInToBuy({ flashSaleId }: { flashSaleId: string }) {
  return (
    <div className="stack">
      <p>Sign in with your email to join the queue. No password needed.</p>
      <Link className="btn wide" href={signInHref(flashSaleId)}>
        Sign in to buy
      </Link>
    </div>
  );
}

export function HoldView(props: {
  pos: PositionData;
  left: number;
  price: number;
  paying: boolean;
  busy: boolean;
  cancelling: boolean;
  onPay: () => void;
  onCancel: () => void;
}) {
  const { pos, left, price, paying, busy, cancelling, onPay, onCancel } = props;
  return (
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
      <PaymentForm amount={price} busy={paying || pos.paying} disabled={busy && !paying} onPay={onPay} />
      <button type="button" className="btn secondary wide" disabled={busy || pos.paying} onClick={onCancel}>
        {cancelling ? 'Releasing…' : 'Cancel and release the unit'}
      </button>
    </div>
  );
}

export function QueueView(props: {
  pos: PositionData;
  live: boolean;
  paused: boolean;
  busy: boolean;
  cancelling: boolean;
  onLeave: () => void;
}) {
  const { pos, live, paused, busy, cancelling, onLeave } = props;
  return (
    <div className="stack" data-testid="queue-view">
      <div className="notice info">
        <h3>You&apos;re in line</h3>
        <p className="small" aria-live="polite" data-testid="queue-summary">
          {pos.ahead === 0
            ? 'You are next. A unit is yours as soon as one is free.'
            : `${plural(pos.ahead, 'person', 'people')} ahead of you.`}
        </p>
      </div>
      {paused && <PausedNotice />}
      <dl className="queue-figures">
        <Figure label="Your place" testId="queue-position">
          #{pos.position}
        </Figure>
        <Figure label="Ahead of you" testId="queue-ahead">
          {pos.ahead}
        </Figure>
        <Figure label="In line" testId="queue-size">
          {pos.size}
        </Figure>
      </dl>
      <p className="small" data-testid="queue-eta">
        <strong>Estimated wait: </strong>
        {paused
          ? 'the sale is paused; the wait starts again when it resumes.'
          : pos.etaSec === null
            ? 'every unit is held by someone paying right now; you move up when one is released or its hold runs out.'
            : pos.etaSec <= 1
              ? 'any moment now.'
              : `about ${formatDuration(pos.etaSec)}.`}
      </p>
      <p className="hint">{live ? 'Live: your place updates by itself.' : 'Updating every second.'}</p>
      <button type="button" className="btn secondary wide" disabled={busy} onClick={onLeave}>
        {cancelling ? 'Leaving…' : 'Leave the queue'}
      </button>
    </div>
  );
}

/** How a waiting room places its buyers when the sale opens. */
export function roomOrderText(preQueue: PreQueue): string {
  return preQueue === 'random'
    ? 'When the sale opens, everyone in the waiting room is placed in the queue in a random order, so arriving early or clicking fastest gains nothing; everyone who comes after the opening lines up behind the room.'
    : 'When the sale opens, everyone in the waiting room is placed in the queue in the order they arrived; everyone who comes after the opening lines up behind the room.';
}

export function WaitingRoomView(props: { pos: PositionData; preQueue: PreQueue; busy: boolean; cancelling: boolean; onLeave: () => void }) {
  const { pos, preQueue, busy, cancelling, onLeave } = props;
  return (
    <div className="stack" data-testid="waiting-room-view">
      <div className="notice info">
        <h3>You&apos;re in the waiting room</h3>
        <p className="small" aria-live="polite" data-testid="waiting-room-summary">
          {preQueue === 'random'
            ? `${plural(pos.size, 'person is', 'people are')} waiting. Your place in the queue is drawn by lot when the sale opens.`
            : `You are #${pos.position} of ${pos.size} waiting; you keep that order when the sale opens.`}
        </p>
      </div>
      <p className="small">{roomOrderText(preQueue)} Keep this page open: it updates by itself.</p>
      <button type="button" className="btn secondary wide" disabled={busy} onClick={onLeave}>
        {cancelling ? 'Leaving…' : 'Leave the waiting room'}
      </button>
    </div>
  );
}

export function PausedNotice() {
  return (
    <p className="notice warn small" role="status" data-testid="sale-paused">
      The sale is paused: no units are handed out until it resumes. Joining keeps your place in the queue.
    </p>
  );
}

type JoinStatus = 'none' | 'expired' | 'cancelled';

/** The way in: buy now, join the queue (again), or enter the waiting room; with the bot check when on. */
export function JoinView(props: {
  status: JoinStatus;
  upcoming: boolean;
  sale: PublicSaleData;
  soldOut: boolean;
  busy: boolean;
  buying: boolean;
  /** The bot check's widget when the defence is on; `solved` says whether a solution is ready. */
  botCheck?: { widget: ReactNode; solved: boolean };
  onBuy: () => void;
}) {
  const { status, upcoming, sale, soldOut, busy, buying, botCheck, onBuy } = props;
  const { preQueue } = sale.item;
  const { meta } = sale;
  const price = formatMoney(sale.item.pricePerUnit);
  const allHeld = meta.available === 0 && meta.holdsLive > 0;
  const closedUntilStart = upcoming && !preQueue;
  const label = buying
    ? 'Joining…'
    : closedUntilStart
      ? 'Buying opens when the sale starts'
      : upcoming
        ? 'Enter the waiting room'
        : status !== 'none'
          ? 'Join the queue again'
          : allHeld || meta.paused
            ? 'Join the queue'
            : `Buy now · ${price}`;
  const hint = upcoming
    ? preQueue
      ? roomOrderText(preQueue)
      : 'One per person. Come back when the sale starts: buying opens then.'
    : allHeld && !meta.paused
      ? 'One per person. Every unit is held by someone paying right now: join the queue and you get one if a holder does not pay in time.'
      : 'One per person. You join a first-come, first-served queue and get a unit to pay for as soon as one is free.';
  const waitingForCheck = !!botCheck && !botCheck.solved && !closedUntilStart;
  return (
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
          {meta.paused && !upcoming && <PausedNotice />}
          {botCheck && !closedUntilStart && botCheck.widget}
          <button type="button" className="btn wide" disabled={busy || closedUntilStart || waitingForCheck} onClick={onBuy}>
            {label}
          </button>
          <p className="hint" data-testid="join-hint">
            {waitingForCheck ? 'The button unlocks once the check above is done (a second or two). ' : ''}
            {hint}
          </p>
        </>
      )}
    </div>
  );
}

export function Purchased({ order, price }: { order: OrderData | null; price: number }) {
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

export function SoldOut() {
  return (
    <div className="notice bad" role="status" data-testid="outcome-sold-out">
      <h3>Sold out</h3>
      <p className="small">Every unit has been sold. Thanks for queueing.</p>
    </div>
  );
}

export function Ended({ closedWhileWaiting = false }: { closedWhileWaiting?: boolean }) {
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
  BOT_CHALLENGE_EXPIRED: 'The check that you are a person expired; it has started again. Try once it is done.',
  BOT_CHALLENGE_USED: 'That check was already used; a new one has started. Try once it is done.',
};

export function Problem({ info }: { info: ErrorInfo }) {
  const text = (info.code && PROBLEM_TEXT[info.code]) || info.message;
  return (
    <div className="notice bad" role="alert" data-testid="purchase-error">
      <p style={{ margin: 0 }}>{text}</p>
    </div>
  );
}

function Figure({ label, testId, children }: { label: string; testId: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
