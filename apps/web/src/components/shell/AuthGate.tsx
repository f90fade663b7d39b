'use client';
import { usePathname, useRouter } from 'next/navigation';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useMe } from '@/queries/useAuth';
import { prefetchInstances } from '@/queries/useInstances';
import { EventStream } from '@/events/EventStream';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { AppShell } from './AppShell';

const is = (p: string, page: string) => p === page || p === `${page}/`;
/** Pages without a login: the login itself, and the share-link page. */
const isPublicPath = (p: string) => is(p, '/login') || is(p, '/share');
/** Pages for a logged-in user that fill a window of their own: no navigation around them. */
const isBarePath = (p: string) => is(p, '/instances/console');

/**
 * Public pages alone; every other page only for a logged-in user, inside the event stream
 * and (unless bare) the app's shell.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const me = useMe();
  const isPublic = isPublicPath(pathname);
  const qc = useQueryClient();
  // Once, during the first render, so the request leaves with the session check's.
  useState(() => {
    if (!isPublic && typeof window !== 'undefined') prefetchInstances(qc);
  });

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
      {isBarePath(pathname) ? (
        <main className="h-dvh">{children}</main>
      ) : (
        <AppShell me={me.data}>{children}</AppShell>
      )}
    </EventStream>
  );
}
