'use client';
import Link from 'next/link';
import { Bell, CheckCircle2, Info, XCircle } from 'lucide-react';
import { useCallback, useId, useRef, useState, useSyncExternalStore } from 'react';
import { formatRelative } from '@/lib/format';
import { KEEP, toastStore, type Notice } from '@/lib/toast';
import { useDismiss } from '@/lib/useDismiss';

const icons = {
  success: <CheckCircle2 aria-hidden size={16} className="shrink-0 text-emerald-600" />,
  error: <XCircle aria-hidden size={16} className="shrink-0 text-red-600" />,
  info: <Info aria-hidden size={16} className="shrink-0 text-sky-600" />,
};

/**
 * The notification center: a bell with the count of notices not yet seen (red when one is a
 * failure) and, on click, the last fifty with links. Opening it marks them seen.
 */
export function NotificationBell() {
  const { notices } = useSyncExternalStore(
    toastStore.subscribe,
    toastStore.get,
    toastStore.getServer,
  );
  const [open, setOpen] = useState(false);
  const close = useCallback(() => setOpen(false), []);
  const box = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const unread = notices.filter((n) => !n.read);
  const failed = unread.some((n) => n.tone === 'error');

  useDismiss(box, open, close);

  const toggle = () => {
    // What was unread stays marked in the list while it is open; the count clears.
    if (!open && unread.length) toastStore.markAllRead();
    setOpen(!open);
  };

  return (
    <div ref={box} className="relative">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={`Notifications${unread.length ? `: ${unread.length} new` : ''}`}
        title="Notifications"
        onClick={toggle}
        className="relative inline-flex h-8 w-8 items-center justify-center rounded-md hover:bg-slate-100 dark:hover:bg-slate-800"
      >
        <Bell aria-hidden size={18} />
        {unread.length > 0 && (
          <span
            aria-hidden
            data-testid="notification-count"
            className={`absolute -top-0.5 -right-0.5 min-w-4 rounded-full px-1 text-center text-[0.65rem] leading-4 font-semibold text-white ${
              failed ? 'bg-red-600' : 'bg-sky-700'
            }`}
          >
            {unread.length > 9 ? '9+' : unread.length}
          </span>
        )}
      </button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label="Notification center"
          className="absolute right-0 z-40 mt-1 w-[min(24rem,calc(100vw-1rem))] rounded-md border border-line bg-surface shadow-lg"
        >
          <div className="flex items-center gap-2 border-b border-line px-3 py-2">
            <p className="text-sm font-semibold">Notifications</p>
            <span className="text-xs text-muted">the last {KEEP}</span>
            {notices.length > 0 && (
              <button
                type="button"
                className="ml-auto text-xs text-muted hover:text-fg"
                onClick={() => toastStore.clear()}
              >
                Clear all
              </button>
            )}
          </div>
          {notices.length === 0 ? (
            <p className="px-3 py-6 text-center text-sm text-muted">Nothing yet.</p>
          ) : (
            <ul className="max-h-96 divide-y divide-line overflow-y-auto">
              {notices.map((n) => (
                <NoticeItem key={n.id} notice={n} onOpen={() => setOpen(false)} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

function NoticeItem({ notice: n, onOpen }: { notice: Notice; onOpen: () => void }) {
  return (
    <li className="flex items-start gap-2 px-3 py-2 text-sm">
      {icons[n.tone]}
      <div className="min-w-0 flex-1">
        <p className="font-medium">
          {n.href ? (
            <Link href={n.href} className="link-plain" onClick={onOpen}>
              {n.title}
            </Link>
          ) : (
            n.title
          )}
        </p>
        {n.body && <p className="break-words text-muted">{n.body}</p>}
        <p className="text-xs text-muted" title={new Date(n.at).toLocaleString()}>
          {formatRelative(n.at)}
        </p>
      </div>
      <button
        type="button"
        className="rounded px-1 text-muted hover:text-fg"
        aria-label={`Remove notification: ${n.title}`}
        onClick={() => toastStore.remove(n.id)}
      >
        ×
      </button>
    </li>
  );
}
