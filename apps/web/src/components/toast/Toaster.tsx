'use client';
import Link from 'next/link';
import { useSyncExternalStore } from 'react';
import { toastStore } from '@/lib/toast';

const tones = {
  success: 'border-emerald-600 dark:border-emerald-500',
  error: 'border-red-600 dark:border-red-500',
  info: 'border-sky-600 dark:border-sky-500',
};

/** The toasts on screen (at most three, see lib/toast); the rest are in the notification center. */
export function Toaster() {
  const { shown } = useSyncExternalStore(
    toastStore.subscribe,
    toastStore.get,
    toastStore.getServer,
  );
  return (
    <div
      role="region"
      aria-label="Toasts"
      aria-live="polite"
      className="pointer-events-none fixed right-4 bottom-4 z-50 flex w-[min(24rem,calc(100vw-2rem))] flex-col gap-2"
    >
      {shown.map((t) => (
        <div
          key={t.id}
          role={t.tone === 'error' ? 'alert' : 'status'}
          className={`pointer-events-auto rounded-md border-l-4 bg-surface p-3 shadow-lg ring-1 ring-black/10 dark:ring-white/10 ${tones[t.tone]}`}
        >
          <div className="flex items-start gap-2">
            <div className="min-w-0 flex-1">
              <p className="text-sm font-semibold">
                {t.href ? (
                  <Link
                    href={t.href}
                    className="link-plain"
                    onClick={() => toastStore.dismiss(t.id)}
                  >
                    {t.title}
                  </Link>
                ) : (
                  t.title
                )}
              </p>
              {t.body && <p className="mt-0.5 text-sm break-words text-muted">{t.body}</p>}
            </div>
            <button
              type="button"
              onClick={() => toastStore.dismiss(t.id)}
              className="rounded px-1 text-muted hover:text-fg"
              aria-label="Dismiss notification"
            >
              ×
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
