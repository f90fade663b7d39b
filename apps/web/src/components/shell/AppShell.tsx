'use client';
import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { Menu, PanelLeftClose, PanelLeftOpen, Search, X } from 'lucide-react';
import { Suspense, useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { Me } from '@berth/contracts';
import { isConsoleTarget, isTypingTarget, shortcutFor } from '@/lib/shortcuts';
import { useStoredState } from '@/lib/useStoredState';
import { useStreamStatus } from '@/events/EventStream';
import { CommandPalette } from '@/components/frame/CommandPalette';
import { Logo } from '@/components/frame/Logo';
import { NotificationBell } from '@/components/notifications/NotificationBell';
import { ResourceTree } from '@/components/frame/ResourceTree';
import { ShortcutsHelp } from '@/components/frame/ShortcutsHelp';
import { ThemeToggle } from './ThemeToggle';
import { UserMenu } from './UserMenu';

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

const iconButton =
  'rounded-md p-1.5 text-muted hover:bg-slate-100 hover:text-fg dark:hover:bg-slate-800';
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
/** How long "g" waits for its second key. */
const G_WAIT_MS = 1500;

/**
 * The frame around every signed-in page: the top bar (search, notifications, theme, the
 * user's menu), the resource tree on the left (a drawer at phone width), the command
 * palette and the keyboard shortcuts.
 */
export function AppShell({ me, children }: { me: Me; children: ReactNode }) {
  const pathname = usePathname();
  const router = useRouter();
  const [treeOpen, setTreeOpen] = useStoredState('berth-tree-open', true, isBool);
  const [drawer, setDrawer] = useState(false);
  const [palette, setPalette] = useState(false);
  const [help, setHelp] = useState(false);
  const filterRef = useRef<HTMLInputElement>(null);
  const afterG = useRef(0);

  // A page chosen in the drawer closes it.
  useEffect(() => setDrawer(false), [pathname]);

  const focusFilter = useCallback(() => {
    const wide = matchMedia('(min-width: 768px)').matches;
    if (wide) setTreeOpen(true);
    else setDrawer(true);
    // The tree may only now be rendered: focus after it is.
    requestAnimationFrame(() => filterRef.current?.focus());
  }, [setTreeOpen]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        if (isConsoleTarget(e.target)) return;
        e.preventDefault();
        setPalette((p) => !p);
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const cmd = shortcutFor(e.key, Date.now() - afterG.current < G_WAIT_MS);
      afterG.current = 0;
      if (!cmd) return;
      e.preventDefault();
      if (cmd.type === 'pending') afterG.current = Date.now();
      else if (cmd.type === 'go') router.push(cmd.href);
      else if (cmd.type === 'help') setHelp(true);
      else if (cmd.type === 'filter') focusFilter();
      else setTreeOpen(!treeOpen);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [router, focusFilter, treeOpen, setTreeOpen]);

  const tree = (
    <Suspense>
      <ResourceTree me={me} ref={filterRef} />
    </Suspense>
  );

  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-surface focus:p-2"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 flex h-12 items-center gap-2 border-b border-line bg-surface px-2 sm:gap-3 sm:px-3">
        <button
          type="button"
          className={`${iconButton} md:hidden`}
          aria-label="Open navigation"
          aria-expanded={drawer}
          onClick={() => setDrawer(true)}
        >
          <Menu aria-hidden size={18} />
        </button>
        <button
          type="button"
          className={`${iconButton} hidden md:inline-flex`}
          aria-label={treeOpen ? 'Hide the resource tree' : 'Show the resource tree'}
          aria-expanded={treeOpen}
          title={`${treeOpen ? 'Hide' : 'Show'} the resource tree ( [ )`}
          onClick={() => setTreeOpen(!treeOpen)}
        >
          {treeOpen ? (
            <PanelLeftClose aria-hidden size={18} />
          ) : (
            <PanelLeftOpen aria-hidden size={18} />
          )}
        </button>
        <Link
          prefetch={false}
          href="/"
          className="flex items-center gap-2 font-semibold tracking-tight"
        >
          <Logo />
          <span className="sr-only sm:not-sr-only">Berth</span>
        </Link>
        <button
          type="button"
          onClick={() => setPalette(true)}
          aria-keyshortcuts="Control+K Meta+K"
          className="mx-auto flex w-full max-w-md min-w-0 items-center gap-2 rounded-md border border-line bg-bg px-2.5 py-1 text-sm text-muted hover:border-sky-600"
        >
          <Search aria-hidden size={15} className="shrink-0" />
          <span className="truncate">Search or run…</span>
          <kbd className="ml-auto hidden rounded border border-line px-1.5 text-xs sm:inline">
            Ctrl K
          </kbd>
        </button>
        <div className="flex shrink-0 items-center gap-1 sm:gap-2">
          <StreamIndicator />
          <NotificationBell />
          <ThemeToggle />
          <UserMenu me={me} onShortcuts={() => setHelp(true)} />
        </div>
      </header>
      <div className="flex flex-1">
        {treeOpen && (
          <aside
            aria-label="Resource tree"
            className="sticky top-12 hidden h-[calc(100dvh-3rem)] w-64 shrink-0 flex-col border-r border-line bg-surface md:flex"
          >
            {tree}
          </aside>
        )}
        {drawer && (
          <div className="fixed inset-0 z-40 md:hidden">
            <button
              type="button"
              aria-label="Close navigation"
              tabIndex={-1}
              className="absolute inset-0 bg-black/50"
              onClick={() => setDrawer(false)}
            />
            <div
              role="dialog"
              aria-modal="true"
              aria-label="Navigation"
              onKeyDown={(e) => e.key === 'Escape' && setDrawer(false)}
              className="absolute inset-y-0 left-0 flex w-[min(20rem,85vw)] flex-col bg-surface shadow-xl"
            >
              <div className="flex h-12 items-center gap-2 border-b border-line px-3">
                <Logo />
                <span className="font-semibold">Berth</span>
                <button
                  type="button"
                  className={`${iconButton} ml-auto`}
                  aria-label="Close navigation"
                  onClick={() => setDrawer(false)}
                  autoFocus
                >
                  <X aria-hidden size={18} />
                </button>
              </div>
              {tree}
            </div>
          </div>
        )}
        <main id="main" className="min-w-0 flex-1 px-4 py-5">
          <div className="mx-auto w-full max-w-7xl">{children}</div>
        </main>
      </div>
      <CommandPalette me={me} open={palette} onClose={() => setPalette(false)} />
      {help && <ShortcutsHelp onClose={() => setHelp(false)} />}
    </div>
  );
}
