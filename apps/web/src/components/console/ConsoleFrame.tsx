'use client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/Button';
import { toastStore } from '@/lib/toast';
import type { ConsoleStatus } from './connection';

export function statusText(s: ConsoleStatus): string {
  switch (s.state) {
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return `Reconnecting (try ${s.attempt} of ${s.of}): ${s.reason}`;
    case 'disconnected':
      return `Disconnected: ${s.reason}`;
  }
}

const dot: Record<ConsoleStatus['state'], string> = {
  connecting: 'animate-pulse bg-amber-500',
  reconnecting: 'animate-pulse bg-amber-500',
  connected: 'bg-emerald-500',
  disconnected: 'bg-red-500',
};

/**
 * The chrome around one console: a toolbar (the console's own controls, then Reconnect and
 * Fullscreen), the console itself filling the rest, and a status line under it.
 */
export function ConsoleFrame({
  label,
  status,
  onReconnect,
  controls,
  children,
  className = '',
}: {
  label: string;
  status: ConsoleStatus;
  onReconnect?: () => void;
  controls?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLElement>(null);
  const area = useRef<HTMLDivElement>(null);
  const [full, setFull] = useState(false);
  // No toast pops up over a console being typed into: meanwhile they go to the bell only.
  useEffect(() => () => toastStore.setConsoleFocus(false), []);
  useEffect(() => {
    const on = () => setFull(document.fullscreenElement === ref.current);
    document.addEventListener('fullscreenchange', on);
    return () => document.removeEventListener('fullscreenchange', on);
  }, []);
  const toggleFull = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void ref.current?.requestFullscreen();
  };

  return (
    <section
      ref={ref}
      aria-label={label}
      onFocus={() => toastStore.setConsoleFocus(true)}
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as Node | null))
          toastStore.setConsoleFocus(false);
      }}
      className={`flex min-h-0 flex-col overflow-hidden rounded-lg border border-line bg-surface ${
        full ? 'rounded-none border-0' : ''
      } ${className}`}
    >
      <div
        role="toolbar"
        aria-label={`${label}: controls`}
        className="flex flex-wrap items-center gap-1.5 border-b border-line px-2 py-1.5"
      >
        {controls}
        <div className="ml-auto flex flex-wrap gap-1.5">
          {onReconnect && (
            <Button
              size="sm"
              variant="ghost"
              onClick={onReconnect}
              disabled={status.state === 'connecting'}
            >
              Reconnect
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={toggleFull} aria-pressed={full}>
            {full ? 'Exit fullscreen' : 'Fullscreen'}
          </Button>
        </div>
      </div>
      <div
        ref={area}
        className="relative min-h-0 flex-1 bg-black"
        onFocus={() => toastStore.setConsoleFocus(true)}
        onBlur={(e) => {
          if (!area.current?.contains(e.relatedTarget as Node | null))
            toastStore.setConsoleFocus(false);
        }}
      >
        {children}
      </div>
      <p
        role="status"
        className="flex items-center gap-2 truncate border-t border-line px-3 py-1 text-xs text-muted"
      >
        <span aria-hidden className={`h-2 w-2 shrink-0 rounded-full ${dot[status.state]}`} />
        <span className="truncate" title={statusText(status)}>
          {statusText(status)}
        </span>
        {status.state === 'connected' && status.recorded && <RecordingBadge />}
      </p>
    </section>
  );
}

/** Said on every recorded console: what is typed and shown here is kept for replay. */
function RecordingBadge() {
  return (
    <span
      className="ml-auto inline-flex shrink-0 items-center gap-1.5 rounded-full bg-red-100 px-2 py-0.5 font-medium text-red-800 dark:bg-red-900/50 dark:text-red-100"
      title="This console session is recorded: what you type and what it shows are kept for replay"
    >
      <span aria-hidden className="h-2 w-2 animate-pulse rounded-full bg-red-600" />
      Recording
    </span>
  );
}

/** A message over the console area: what is going on and what can be done. */
export function ConsoleOverlay({ children }: { children: ReactNode }) {
  return (
    <div className="absolute inset-0 z-10 grid place-items-center bg-black/75 p-4 text-center text-sm text-slate-100">
      <div className="max-w-md space-y-3">{children}</div>
    </div>
  );
}
