'use client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { isApiError } from '@/api/http';
import { authKeys } from '@/queries/keys';
import { Toaster } from '@/components/toast/Toaster';
import { AuthGate } from '@/components/shell/AuthGate';

function makeClient(): QueryClient {
  // A 401 anywhere means the session ended: the gate then sends the user to /login/.
  const onError = (e: unknown) => {
    if (isApiError(e) && e.status === 401) qc.setQueryData(authKeys.me, null);
  };
  const qc: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError }),
    mutationCache: new MutationCache({ onError }),
    defaultOptions: {
      queries: {
        // The event stream keeps the cache fresh: no refetch on focus, no intervals.
        staleTime: 60_000,
        refetchOnWindowFocus: false,
        retry: (n, e) => !(isApiError(e) && e.status >= 400 && e.status < 500) && n < 2,
      },
    },
  });
  return qc;
}

export function Providers({ children }: { children: ReactNode }) {
  const [qc] = useState(makeClient);
  return (
    <QueryClientProvider client={qc}>
      <AuthGate>{children}</AuthGate>
      <Toaster />
    </QueryClientProvider>
  );
}
