'use client';
/**
 * The three things a buyer does (buy, confirm, cancel) as mutations sharing one problem slot: each
 * clears it when it starts and fills it when it fails. Answers that carry the buyer's new position
 * go to `onPosition`.
 */
import { useState } from 'react';
import { api } from '@/trpc/react';
import type { OrderData, PositionData } from '@/trpc/types';
import { errorInfo, type ErrorInfo } from '../errors';

export function usePurchaseActions(flashSaleId: string, onPosition: (p: PositionData) => void, onPaid: (o: OrderData) => void) {
  const [problem, setProblem] = useState<ErrorInfo | null>(null);
  const common = { onMutate: () => setProblem(null), onError: (e: unknown) => setProblem(errorInfo(e)) };
  const buy = api.orders.buy.useMutation({ ...common, onSuccess: onPosition });
  const confirm = api.orders.confirm.useMutation({ ...common, onSuccess: onPaid });
  const cancel = api.orders.cancel.useMutation({ ...common, onSuccess: onPosition });
  return {
    problem,
    busy: buy.isPending || confirm.isPending || cancel.isPending,
    buying: buy.isPending,
    paying: confirm.isPending,
    cancelling: cancel.isPending,
    /** With the bot defence on, `altcha` is the widget's solution (each one buys once). */
    buy: (altcha?: string) => buy.mutateAsync({ flashSaleId, ...(altcha ? { altcha } : {}) }).catch(() => undefined),
    confirm: () => confirm.mutate({ flashSaleId }),
    cancel: () => cancel.mutate({ flashSaleId }),
  };
}
