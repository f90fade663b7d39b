'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { SharedConsole } from '@berth/contracts';
import { redeemShareLink } from '@/api/consoles';
import { formatDate, formatRelative } from '@/lib/format';
import type { ConsoleStatus } from '@/components/console/connection';
import { TerminalConsole } from '@/components/console/TerminalConsole';
import { VncConsole } from '@/components/console/VncConsole';
import { ThemeToggle } from '@/components/shell/ThemeToggle';
import { ErrorState, LoadingState } from '@/components/ui/States';

type Redeemed = { token: string; first: SharedConsole } | { error: unknown } | null;

/**
 * A console opened by a share link, without logging in: /share/#<token>. The token stays in
 * the fragment, which the browser never sends to a server or puts in a Referer.
 */
export default function SharePage() {
  const [token, setToken] = useState<string | null | undefined>(undefined);
  const [redeemed, setRedeemed] = useState<Redeemed>(null);
  // Why the link no longer holds, as the API said when it closed the console (revoked, expired).
  const [ended, setEnded] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const onStatus = useCallback((s: ConsoleStatus) => {
    if (s.state === 'disconnected' && /share link/.test(s.reason)) setEnded(s.reason);
  }, []);

  useEffect(() => {
    const read = () => setToken(decodeURIComponent(window.location.hash.slice(1)) || null);
    read();
    window.addEventListener('hashchange', read);
    return () => window.removeEventListener('hashchange', read);
  }, []);

  useEffect(() => {
    if (!token) return;
    let current = true;
    setRedeemed(null);
    redeemShareLink(token).then(
      (first) => current && setRedeemed({ token, first }),
      (error: unknown) => current && setRedeemed({ error }),
    );
    return () => {
      current = false;
    };
  }, [token]);

  const first = redeemed && 'first' in redeemed ? redeemed : null;
  // The first redeem's ticket opens the first socket; every reconnect redeems the link again.
  const getTicket = useMemo(() => {
    if (!first) return null;
    let unused: SharedConsole | null = first.first;
    return async () => {
      const t = unused;
      unused = null;
      return t ?? redeemShareLink(first.token);
    };
  }, [first]);

  const shared = first?.first;
  useEffect(() => {
    if (shared) document.title = `${shared.instance.name}: shared console · Berth`;
  }, [shared]);
  // "Expires in 40 minutes" counts down, and reads "expired" once it has.
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const over =
    ended ??
    (shared && new Date(shared.linkExpiresAt).getTime() <= now ? 'this share link expired' : null);

  return (
    <div className="flex h-dvh flex-col">
      <header className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-line bg-surface px-3 py-2">
        <span className="flex items-center gap-2 font-semibold tracking-tight">
          <span
            aria-hidden
            className="grid h-7 w-7 place-items-center rounded-md bg-sky-700 text-sm text-white"
          >
            B
          </span>
          Berth
        </span>
        <h1 className="text-sm">
          Shared console
          {shared ? (
            <>
              : <strong className="break-all">{shared.instance.name}</strong>
            </>
          ) : null}
        </h1>
        {shared && (
          <>
            <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-800 dark:bg-slate-700 dark:text-slate-100">
              {shared.viewOnly ? 'View only' : 'Interactive'}
            </span>
            {over ? (
              <span
                role="status"
                className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800 dark:bg-red-900/50 dark:text-red-200"
                title={over}
              >
                {/revoked/.test(over) ? 'Link revoked' : 'Link expired'}
              </span>
            ) : (
              <span className="text-xs text-muted" title={formatDate(shared.linkExpiresAt)}>
                Link expires {formatRelative(shared.linkExpiresAt, now)}
              </span>
            )}
          </>
        )}
        <div className="ml-auto">
          <ThemeToggle />
        </div>
      </header>
      <main className="flex min-h-0 flex-1 flex-col p-2">
        {token === null ? (
          <ErrorState
            title="This link is incomplete"
            error="A share link ends in #, followed by its key. Ask for the whole link again."
          />
        ) : redeemed && 'error' in redeemed ? (
          <ErrorState title="This link cannot be opened" error={redeemed.error} />
        ) : !shared || !getTicket ? (
          <LoadingState label="Opening the shared console…" />
        ) : shared.kind === 'vnc' ? (
          <VncConsole
            getTicket={getTicket}
            label={`Screen of ${shared.instance.name}`}
            viewOnly={shared.viewOnly}
            onStatus={onStatus}
            className="min-h-0 flex-1"
          />
        ) : (
          <TerminalConsole
            kind={shared.kind}
            getTicket={getTicket}
            label={`${shared.kind === 'shell' ? 'Shell' : 'Serial console'} of ${shared.instance.name}`}
            readOnly={shared.viewOnly}
            onStatus={onStatus}
            className="min-h-0 flex-1"
          />
        )}
      </main>
    </div>
  );
}
