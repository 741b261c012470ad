/** The messages between the app and its purchase thread (thread-lane.ts, lane.thread.ts). */
import { DomainError, type ErrorKind } from '@/engine/errors';

export type LaneOp = 'buy' | 'confirm' | 'metrics';
export interface LaneCall {
  id: number;
  op: LaneOp;
  input?: unknown;
}
export interface LaneError {
  name: string;
  message: string;
  stack?: string;
  code?: string | number;
  /** Set for a DomainError. */
  kind?: ErrorKind;
  retryAfterSec?: number;
}
export type LaneAnswer = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: LaneError };

export function describeLaneError(err: unknown): LaneError {
  const e = err instanceof Error ? err : new Error(String(err));
  const { code } = e as { code?: unknown };
  return {
    name: e.name,
    message: e.message,
    stack: e.stack,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(err instanceof DomainError ? { kind: err.kind, retryAfterSec: err.retryAfterSec } : {}),
  };
}

export function errorFromLane(e: LaneError): Error {
  if (e.kind) return new DomainError(String(e.code), e.kind, e.message, e.retryAfterSec);
  const err = Object.assign(new Error(e.message), e.code === undefined ? {} : { code: e.code });
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}
