'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import type { Me } from '@berth/contracts';
import { isActivePage, pagesFor } from '@/lib/navigation';
import { useLogout } from '@/queries/useAuth';
import { useStreamStatus } from '@/events/EventStream';
import { ThemeToggle } from './ThemeToggle';

function StreamIndicator() {
  const status = useStreamStatus();
  const text = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[status];
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-muted"
      title={
        status === 'live' ? 'Receiving live updates' : 'Live updates interrupted; refreshing slowly'
      }
    >
      <span
        aria-hidden
        className={`h-2 w-2 rounded-full ${status === 'live' ? 'bg-emerald-500' : 'animate-pulse bg-amber-500'}`}
      />
      <span className="hidden sm:inline">{text}</span>
      <span className="sr-only sm:hidden">{text}</span>
    </span>
  );
}

function NavLinks({
  items,
  active,
}: {
  items: { href: string; label: string }[];
  active: (href: string) => boolean;
}) {
  return (
    <ul className="flex gap-1">
      {items.map((i) => (
        <li key={i.href}>
          <Link
            href={i.href}
            aria-current={active(i.href) ? 'page' : undefined}
            className={`block rounded-md px-3 py-1.5 text-sm whitespace-nowrap ${
              active(i.href)
                ? 'bg-sky-100 font-medium text-sky-900 dark:bg-sky-900/40 dark:text-sky-100'
                : 'text-muted hover:bg-slate-100 hover:text-fg dark:hover:bg-slate-800'
            }`}
          >
            {i.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const logout = useLogout();
  const items = pagesFor(me);
  const active = (href: string) => isActivePage(href, pathname);

  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:p-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-line bg-surface">
        <div className="mx-auto flex max-w-7xl items-center gap-4 px-4 py-2">
          <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
            <span
              aria-hidden
              className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-sm text-white"
            >
              B
            </span>
            Berth
          </Link>
          <nav aria-label="Main" className="hidden flex-1 md:block">
            <NavLinks items={items} active={active} />
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <StreamIndicator />
            <ThemeToggle />
            <Link
              href="/account/"
              className="hidden text-sm text-muted hover:text-fg hover:underline lg:inline"
              title="My account: password, two-factor login, sessions, API tokens"
            >
              {me.username}
            </Link>
            <button
              type="button"
              className="rounded-md border border-line px-2.5 py-1 text-sm whitespace-nowrap hover:bg-slate-100 dark:hover:bg-slate-800"
              onClick={() =>
                logout.mutate(undefined, { onSettled: () => router.replace('/login/') })
              }
            >
              Log out
            </button>
          </div>
        </div>
        <nav aria-label="Main" className="overflow-x-auto border-t border-line px-2 py-1 md:hidden">
          <NavLinks items={items} active={active} />
        </nav>
      </header>
      <main id="main" className="mx-auto w-full max-w-7xl flex-1 px-4 py-6">
        {children}
      </main>
    </div>
  );
}
