'use client';
import { SHORTCUTS } from '@/lib/shortcuts';
import { Modal } from '@/components/ui/Modal';

/** Every keyboard shortcut (press ? anywhere outside a field). */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
        {SHORTCUTS.map((s) => (
          <div key={s.keys.join('+')} className="contents">
            <dt className="flex items-start gap-1 whitespace-nowrap">
              {s.keys.map((k, n) => (
                <kbd
                  key={n}
                  className="min-w-6 rounded border border-line bg-bg px-1.5 text-center font-mono text-xs leading-5"
                >
                  {k}
                </kbd>
              ))}
            </dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-4 text-xs text-muted">
        On a Mac, ⌘K works as Ctrl K. Shortcuts wait while you type in a field or a console.
      </p>
    </Modal>
  );
}
