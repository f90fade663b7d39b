'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { ChevronDown, Keyboard, LogOut, Rows3, Rows4, UserRound } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { Me } from '@berth/contracts';
import { applyDensity, DENSITY_KEY, isDensity, type Density } from '@/lib/density';
import { useStoredState } from '@/lib/useStoredState';
import { useLogout } from '@/queries/useAuth';
import { useDismiss } from '@/lib/useDismiss';

const item =
  'flex w-full items-center gap-2 rounded px-2.5 py-1.5 text-left text-sm hover:bg-slate-100 dark:hover:bg-slate-800';

/** The user's own things: account, row density, shortcuts, log out. */
export function UserMenu({ me, onShortcuts }: { me: Me; onShortcuts: () => void }) {
  const router = useRouter();
  const logout = useLogout();
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const [density, setDensity] = useStoredState<Density>(DENSITY_KEY, 'compact', isDensity);
  const box = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => applyDensity(density), [density]);
  useDismiss(box, open, close);

  const next: Density = density === 'compact' ? 'comfortable' : 'compact';
  return (
    <div ref={box} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-1.5 rounded-md px-2 py-1 text-sm hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <UserRound aria-hidden size={16} />
        <span className="sr-only">User menu: </span>
        <span className="hidden max-w-32 truncate sm:inline">{me.username}</span>
        <ChevronDown aria-hidden size={14} className="text-muted" />
      </button>
      {open && (
        <div
          id={menuId}
          className="absolute right-0 z-40 mt-1 w-60 rounded-md border border-line bg-surface p-1 shadow-lg"
        >
          <p className="truncate px-2.5 py-1.5 text-xs text-muted">
            Signed in as <span className="font-medium text-fg">{me.username}</span>
          </p>
          <ul>
            <li>
              <Link href="/account/" className={item} onClick={() => setOpen(false)}>
                <UserRound aria-hidden size={16} />
                Account
              </Link>
            </li>
            <li>
              <button type="button" className={item} onClick={() => setDensity(next)}>
                {density === 'compact' ? (
                  <Rows4 aria-hidden size={16} />
                ) : (
                  <Rows3 aria-hidden size={16} />
                )}
                Rows: {density}
                <span className="ml-auto text-xs text-muted">switch to {next}</span>
              </button>
            </li>
            <li>
              <button
                type="button"
                className={item}
                onClick={() => {
                  setOpen(false);
                  onShortcuts();
                }}
              >
                <Keyboard aria-hidden size={16} />
                Keyboard shortcuts
                <kbd className="ml-auto rounded border border-line px-1 text-xs text-muted">?</kbd>
              </button>
            </li>
            <li className="mt-1 border-t border-line pt-1">
              <button
                type="button"
                className={item}
                onClick={() =>
                  logout.mutate(undefined, { onSettled: () => router.replace('/login/') })
                }
              >
                <LogOut aria-hidden size={16} />
                Log out
              </button>
            </li>
          </ul>
        </div>
      )}
    </div>
  );
}
