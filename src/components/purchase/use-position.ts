'use client';
/**
 * The buyer's live position: pushed over SSE (`orders.watch`); if that does not answer within
 * PUSH_GRACE_MS or fails, polled from `orders.position` every second instead.
 */
import { useEffect, useState } from 'react';
import { api } from '@/trpc/react';
import type { PositionData } from '@/trpc/types';
import { errorInfo } from '../errors';

export type Transport = 'connecting' | 'push' | 'poll';

/** How long the push channel may stay silent before the panel polls instead. */
const PUSH_GRACE_MS = 3_000;

export function usePosition(flashSaleId: string, signedIn: boolean) {
  const [pos, setPos] = useState<PositionData | null>(null);
  const [transport, setTransport] = useState<Transport>('connecting');

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
  useEffect(() => {
    if (transport === 'poll' && polled.data) setPos(polled.data);
  }, [polled.data, transport]);

  return { pos, setPos, transport, sessionEnded: errorInfo(polled.error).httpStatus === 401 };
}
