/**
 * What the app, the worker and the workflows agree on: workflow ids, messages (signals, queries),
 * search attributes and the shapes they carry. Safe inside workflows: no Node imports.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const holdWorkflowId = (saleId: string, email: string) => `hold:${saleId}:${email}`;
export const saleWorkflowId = (saleId: string) => `sale:${saleId}`;
export const healthWorkflowId = (nonce: string) => `health:${nonce}`;

/** Search attributes registered on the server (see scripts/lib/temporal.ts) so ops can filter holds. */
export const SaleIdAttr = defineSearchAttributeKey('SaleId', SearchAttributeType.KEYWORD);
export const BuyerEmailAttr = defineSearchAttributeKey('BuyerEmail', SearchAttributeType.KEYWORD);
export const HoldStateAttr = defineSearchAttributeKey('HoldState', SearchAttributeType.KEYWORD);
/**
 * The buyer's arrival sequence: the queue's order, so a restore can rebuild it from Temporal.
 * Negative while the buyer is in a sale's waiting room: minus their ticket (see arrivalSeq). The
 * hold workflow keeps it current when the opening gives the buyer their place.
 */
export const ArrivalSeqAttr = defineSearchAttributeKey('ArrivalSeq', SearchAttributeType.INT);

/** ArrivalSeq of a buyer: their arrival in the queue, or minus their ticket in the waiting room. */
export const arrivalSeq = (arrival: number, waiting = false) => (waiting ? -arrival : arrival);

/** How a buyer's place in a sale ended. */
export type HoldOutcome = 'confirmed' | 'expired' | 'cancelled' | 'sold_out' | 'closed';
export type HoldState = 'queued' | 'held' | 'confirming' | HoldOutcome;

export interface HoldArgs {
  saleId: string;
  email: string;
}

/** What a hold workflow does next (the answer of its `holdStep` activity). */
export type HoldStep =
  /** In the queue, or (waiting) in the waiting room with `arrival` its ticket. */
  | { kind: 'queued'; wakeAtMs: number; arrival: number; waiting?: boolean }
  | { kind: 'held'; token: string; expiresAtMs: number; arrival: number }
  | { kind: 'confirming'; token: string; leaseUntilMs: number }
  /** Redis lost the sale and it is being restored: step again in `retryInMs`. */
  | { kind: 'lost'; retryInMs: number }
  | { kind: 'done'; outcome: HoldOutcome };

export interface HoldView {
  saleId: string;
  email: string;
  state: HoldState;
  token?: string;
  expiresAtMs?: number;
  /** Arrival in the queue, or the ticket while `waiting` (in the sale's waiting room). */
  arrival?: number;
  waiting?: boolean;
}

export interface OrderView {
  id: string;
  flashSaleId: string;
  userEmail: string;
  paymentStatus: string;
  totalAmount: number;
  holdWorkflowId: string;
  createdAt: string;
}

/** Wakes a hold workflow: a unit was granted to its buyer. */
export const grantedSignal = defineSignal('granted');
/** Wakes a hold workflow: its buyer's confirm was recorded (or needs finishing). */
export const confirmedSignal = defineSignal('confirmed');
/** Asks a hold workflow to give its unit back (or leave the queue). */
export const cancelSignal = defineSignal('cancel');
/** The sale closed while this buyer was queued: step now (and end), not at the next re-check. */
export const saleClosedSignal = defineSignal('saleClosed');
export const holdStateQuery = defineQuery<HoldView>('state');

export interface SaleArgs {
  saleId: string;
  startsAtMs: number;
  endsAtMs: number;
  /** Dispatcher tick while buyers wait, and the idle tick otherwise. */
  tickMs: number;
  idleTickMs: number;
}

export type SalePhase = 'upcoming' | 'open' | 'closed' | 'deleted';

export interface SaleFigures {
  sold: number;
  stockLeft: number;
  holdsLive: number;
  queued: number;
}

export const rescheduleSignal = defineSignal<[{ startsAtMs: number; endsAtMs: number }]>('reschedule');
export const stopSaleSignal = defineSignal('stop');
export const saleStateQuery = defineQuery<{ phase: SalePhase; startsAtMs: number; endsAtMs: number }>('state');
