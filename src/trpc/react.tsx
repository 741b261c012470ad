'use client';
/**
 * The browser's tRPC client: queries and mutations batched over HTTP, subscriptions over SSE,
 * all to /api/trpc (served by the custom server straight from Node's http), superjson both ways.
 */
import { useState, type ReactNode } from 'react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createTRPCReact, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/react-query';
import superjson from 'superjson';
import type { AppRouter } from '@/server/root';

export const api = createTRPCReact<AppRouter>();

const url = '/api/trpc';

/** Errors that retrying will not fix (4xx): bad input, auth, domain outcomes. */
function isFinal(err: unknown): boolean {
  if (!(err instanceof TRPCClientError)) return false;
  const status = (err.data as { httpStatus?: number } | undefined)?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 1_000,
        refetchOnWindowFocus: false,
        retry: (count, err) => !isFinal(err) && count < 3,
      },
      mutations: { retry: false },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    api.createClient({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url, transformer: superjson }),
          false: httpBatchLink({ url, transformer: superjson, maxURLLength: 4000 }),
        }),
      ],
    }),
  );
  return (
    <api.Provider client={trpcClient} queryClient={queryClient}>
      <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>
    </api.Provider>
  );
}
