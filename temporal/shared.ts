/**
 * What the app, the worker and the workflows agree on: workflow ids, messages (signals, updates,
 * queries), search attributes and the shapes they carry. Deterministic-safe: no Node imports.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const holdWorkflowId = (saleId: string, email: string) => `hold:${saleId}:${email}`;
export const saleWorkflowId = (saleId: string) => `sale:${saleId}`;
export const healthWorkflowId = (nonce: string) => `health:${nonce}`;

/** Search attributes registered on the server (see scripts/services.ts) so ops can filter holds. */
export const SaleIdAttr = defineSearchAttributeKey('SaleId', SearchAttributeType.KEYWORD);
export const BuyerEmailAttr = defineSearchAttributeKey('BuyerEmail', SearchAttributeType.KEYWORD);
export const HoldStateAttr = defineSearchAttributeKey('HoldState', SearchAttributeType.KEYWORD);

export type HoldState = 'queued' | 'held' | 'confirming' | 'confirmed' | 'expired' | 'cancelled' | 'sold_out' | 'closed';
export const TERMINAL_HOLD_STATES: readonly HoldState[] = ['confirmed', 'expired', 'cancelled', 'sold_out', 'closed'];

export interface HoldArgs {
  saleId: string;
  email: string;
  holdTtlMs: number;
  /** How long a queued hold waits for a `granted` signal before re-checking on its own. */
  recheckMs: number;
}

export interface GrantPayload {
  token: string;
  expiresAtMs: number;
}

export interface HoldView {
  saleId: string;
  email: string;
  state: HoldState;
  token?: string;
  expiresAtMs?: number;
  orderId?: string;
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

export const grantedSignal = defineSignal<[GrantPayload]>('granted');
export const cancelSignal = defineSignal('cancel');
/** `requestedAtMs`: when the buyer asked, so a confirm made in time is honoured even if the
 *  workflow gets to it a moment after the hold's end (server lag). */
export const confirmUpdate = defineUpdate<OrderView, [{ requestedAtMs: number }]>('confirm');
export const holdStateQuery = defineQuery<HoldView>('state');

export const rescheduleSignal = defineSignal<[{ startsAtMs: number; endsAtMs: number }]>('reschedule');
export const stopSaleSignal = defineSignal('stop');
export const saleStateQuery = defineQuery<{ phase: SalePhase; startsAtMs: number; endsAtMs: number }>('state');

/** ApplicationFailure types thrown by activities; the app maps them to domain errors. */
export const FailureType = {
  SaleClosed: 'SaleClosed',
  SoldOut: 'SoldOut',
  AlreadyPurchased: 'AlreadyPurchased',
  HoldNotActive: 'HoldNotActive',
  SaleNotFound: 'SaleNotFound',
} as const;
