'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useMe } from '@/queries/useAuth';
import { EventStream } from '@/events/EventStream';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { AppShell } from './AppShell';

const isPublicPath = (p: string) => p === '/login' || p === '/login/';

/** The login page alone; every other page only for a logged-in user, inside the shell and the event stream. */
export function AuthGate({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const me = useMe();
  const isPublic = isPublicPath(pathname);

  useEffect(() => {
    if (!isPublic && me.data === null) {
      const next = window.location.pathname + window.location.search;
      router.replace(next === '/' ? '/login/' : `/login/?next=${encodeURIComponent(next)}`);
    }
  }, [isPublic, me.data, router]);

  if (isPublic) return <>{children}</>;
  if (me.isError && !me.data) {
    return (
      <main className="mx-auto max-w-lg p-6">
        <ErrorState
          title="The Berth API cannot be reached"
          error={me.error}
          onRetry={() => void me.refetch()}
        />
      </main>
    );
  }
  if (!me.data) return <LoadingState label="Checking your session…" />;
  return (
    <EventStream me={me.data}>
      <AppShell me={me.data}>{children}</AppShell>
    </EventStream>
  );
}
