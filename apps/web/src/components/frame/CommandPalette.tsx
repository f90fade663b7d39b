'use client';
import { useRouter } from 'next/navigation';
import { Search } from 'lucide-react';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Me } from '@berth/contracts';
import { errorText } from '@/lib/errorText';
import { rankCommands } from '@/lib/palette';
import { toast } from '@/lib/toast';
import { useInstanceAction, useInstances } from '@/queries/useInstances';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { ConfirmAction } from '@/components/instances/ConfirmAction';
import { iconFor } from './icons';
import { paletteCommands, type PaletteCommand } from './palette-actions';

type ActionCommand = Extract<PaletteCommand, { type: 'action' }>;

const typeLabel: Record<PaletteCommand['type'], string> = {
  page: 'Page',
  instance: 'Instance',
  console: 'Console',
  snapshot: 'Snapshot',
  action: 'Action',
};

/**
 * Ctrl+K / ⌘K: type to jump to a page, an instance or its console, or to run an action. It
 * stays mounted while closed so an action started from it still reports a refusal.
 */
export function CommandPalette({
  me,
  open,
  onClose,
}: {
  me: Me;
  open: boolean;
  onClose: () => void;
}) {
  const router = useRouter();
  const act = useInstanceAction();
  const [confirm, setConfirm] = useState<ActionCommand | null>(null);

  const run = (c: ActionCommand, force = false) =>
    act.mutate(
      { id: c.instance.id, action: c.action, force },
      {
        onError: (e) =>
          toast({
            tone: 'error',
            title: `Cannot ${c.action} ${c.instance.name}`,
            body: errorText(e),
          }),
      },
    );

  const choose = (c: PaletteCommand) => {
    if (c.type !== 'action') {
      onClose();
      router.push(c.href);
    } else if (!c.disabledReason) {
      onClose();
      if (c.confirm) setConfirm(c);
      else run(c);
    }
  };

  return (
    <>
      {open && <PaletteDialog me={me} onClose={onClose} onChoose={choose} />}
      {confirm?.confirm && (
        <ConfirmAction
          instance={confirm.instance}
          action={confirm.confirm}
          onCancel={() => setConfirm(null)}
          onConfirm={({ force }) => {
            setConfirm(null);
            run(confirm, force);
          }}
        />
      )}
    </>
  );
}

function PaletteDialog({
  me,
  onClose,
  onChoose,
}: {
  me: Me;
  onClose: () => void;
  onChoose: (c: PaletteCommand) => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const listId = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const instances = useInstances();
  const busy = useActiveTaskByInstance();
  const all = useMemo(
    () => paletteCommands(me, instances.data ?? [], busy),
    [me, instances.data, busy],
  );
  // Before typing: places to go; actions appear once words ask for them.
  const results = useMemo(
    () =>
      query.trim()
        ? rankCommands(all, query, 30)
        : all.filter((c) => c.type === 'page' || c.type === 'instance').slice(0, 30),
    [all, query],
  );
  const current = results[Math.min(active, results.length - 1)];

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  useEffect(() => {
    document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
  }, [active, listId]);

  return (
    <dialog
      ref={ref}
      aria-label="Command palette"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => e.target === ref.current && onClose()}
      className="mx-auto mt-[12vh] w-[min(40rem,calc(100vw-2rem))] rounded-lg border border-line bg-surface p-0 text-fg shadow-2xl backdrop:bg-black/50"
    >
      <div className="flex items-center gap-2 border-b border-line px-3">
        <Search aria-hidden size={16} className="text-muted" />
        <input
          autoFocus
          role="combobox"
          aria-expanded
          aria-controls={listId}
          aria-activedescendant={current ? `${listId}-${results.indexOf(current)}` : undefined}
          aria-label="Go to or run"
          placeholder="Go to an instance or page, or run: start web1, console 101, tasks"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, results.length - 1));
            else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
            else if (e.key === 'Home') setActive(0);
            else if (e.key === 'End') setActive(results.length - 1);
            else if (e.key === 'Enter' && current) onChoose(current);
            else return;
            e.preventDefault();
          }}
          className="w-full bg-transparent py-3 text-sm outline-none placeholder:text-muted"
        />
        <kbd className="rounded border border-line px-1.5 text-xs text-muted">Esc</kbd>
      </div>
      <ul
        id={listId}
        role="listbox"
        aria-label="Results"
        className="max-h-[55vh] overflow-y-auto p-1"
      >
        {results.length === 0 && (
          <li role="presentation" className="px-3 py-6 text-center text-sm text-muted">
            Nothing matches “{query}”
          </li>
        )}
        {results.map((c, n) => {
          const Icon = iconFor(c.icon);
          const off = c.type === 'action' ? c.disabledReason : null;
          return (
            <li
              key={c.id}
              id={`${listId}-${n}`}
              role="option"
              aria-selected={c === current}
              aria-disabled={off ? true : undefined}
              onMouseMove={() => setActive(n)}
              onClick={() => onChoose(c)}
              className={`flex cursor-pointer items-center gap-2.5 rounded px-3 py-1.5 text-sm ${
                c === current ? 'bg-sky-100 text-sky-950 dark:bg-sky-900/50 dark:text-sky-50' : ''
              } ${off ? 'opacity-60' : ''}`}
            >
              <Icon aria-hidden size={16} className="shrink-0" />
              <span className="truncate">{c.label}</span>
              <span className="ml-auto shrink-0 text-xs text-muted">
                {off ?? typeLabel[c.type]}
              </span>
            </li>
          );
        })}
      </ul>
      <p className="border-t border-line px-3 py-1.5 text-xs text-muted">
        ↑ ↓ to choose, Enter to go or run, Esc to close. Press ? outside a field for every shortcut.
      </p>
    </dialog>
  );
}
