/**
 * Server-side tRPC for React Server Components: the same procedures, called in process with the
 * visitor's next-auth session (no HTTP round trip).
 */
import { cache } from 'react';
import { headers } from 'next/headers';
import { getServerSession } from 'next-auth';
import { authOptions } from '@/server/auth/options';
import { sessionFromClaims, type Session } from '@/server/auth/session';
import { createCaller } from '@/server/root';
import { defaultDeps } from '@/server/deps';
import { CLIENT_IP_HEADER } from '@/server/http/client-ip';

/** The visitor's session (once per request). */
export const getSession = cache(async (): Promise<Session | null> => {
  const s = await getServerSession(authOptions);
  return sessionFromClaims(s?.user);
});

/** A caller acting as the visitor (once per request). */
export const serverApi = cache(async () => {
  const h = await headers();
  // Set by the app's request handler from the socket (and TRUST_PROXY), never taken from the client.
  const ip = h.get(CLIENT_IP_HEADER) || 'unknown';
  return createCaller({ deps: defaultDeps(), session: await getSession(), ip });
});
