'use client';
import {
  useEffect,
  useId,
  useRef,
  useState,
  type CSSProperties,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

/**
 * Where the list goes: fixed to the window beside its trigger, so a table's scroll box does
 * not clip it; above the trigger when the trigger sits low in the window.
 */
function placeBeside(trigger: HTMLElement, align: 'left' | 'right'): CSSProperties {
  const r = trigger.getBoundingClientRect();
  const x = align === 'right' ? { right: window.innerWidth - r.right } : { left: r.left };
  return r.bottom > window.innerHeight * 0.6
    ? { ...x, bottom: window.innerHeight - r.top + 4 }
    : { ...x, top: r.bottom + 4 };
}

/** The items the arrow keys visit: the enabled ones. */
const enabled = (list: HTMLUListElement | null) =>
  [...(list?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])].filter(
    (b) => b.getAttribute('aria-disabled') !== 'true',
  );

export interface MenuItem {
  key: string;
  label: string;
  icon?: ReactNode;
  onSelect: () => void;
  /** Why it cannot be chosen now: shown under the label, and the item is skipped by the keys. */
  disabledReason?: string | null;
  /** Deletes or loses data: red text, set apart from the rest by a line. */
  danger?: boolean;
}

/**
 * A button that opens a list of actions (the WAI-ARIA menu button): arrow keys move, Escape or
 * a click elsewhere closes, the chosen item runs. The items render only while it is open, so a
 * table with a menu per row stays cheap.
 */
export function Menu({
  label,
  trigger,
  items,
  align = 'right',
  compact,
}: {
  /** The accessible name of the trigger ("More actions for web1"). */
  label: string;
  /** What the trigger shows; the label when absent. */
  trigger?: ReactNode;
  items: MenuItem[];
  align?: 'left' | 'right';
  /** A small icon-only trigger, for table rows. */
  compact?: boolean;
}) {
  const [open, setOpen] = useState<CSSProperties | null>(null);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLUListElement>(null);

  const close = (focusTrigger: boolean) => {
    setOpen(null);
    if (focusTrigger) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    enabled(list.current)[0]?.focus();
    const outside = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(null);
    };
    // A fixed list would float away from a trigger that scrolled: it closes instead.
    const away = (e: Event) => {
      if (!list.current?.contains(e.target as Node)) setOpen(null);
    };
    document.addEventListener('pointerdown', outside);
    window.addEventListener('scroll', away, true);
    window.addEventListener('resize', away);
    return () => {
      document.removeEventListener('pointerdown', outside);
      window.removeEventListener('scroll', away, true);
      window.removeEventListener('resize', away);
    };
  }, [open]);
  const toggle = () => setOpen((o) => (o ? null : placeBeside(button.current!, align)));

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close(true);
      return;
    }
    if (e.key === 'Tab') return setOpen(null);
    const items = enabled(list.current);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const next =
      e.key === 'ArrowDown'
        ? at + 1
        : e.key === 'ArrowUp'
          ? at - 1
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? -1
              : null;
    if (next === null || items.length === 0) return;
    e.preventDefault();
    items[(next + items.length) % items.length]?.focus();
  };

  const firstDanger = items.findIndex((i) => i.danger);
  return (
    <div ref={root} className="relative inline-block text-left" onKeyDown={onKey}>
      <button
        ref={button}
        type="button"
        aria-haspopup="menu"
        aria-expanded={!!open}
        aria-controls={open ? id : undefined}
        aria-label={label}
        title={compact ? label : undefined}
        onClick={toggle}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            toggle();
          }
        }}
        className={`inline-flex items-center justify-center gap-1.5 rounded-md border border-line bg-surface font-medium text-fg hover:bg-slate-100 dark:hover:bg-slate-800 ${
          compact ? 'h-7 w-7 text-base leading-none' : 'px-2.5 py-1 text-sm'
        }`}
      >
        {trigger ?? label}
      </button>
      {open && (
        <ul
          ref={list}
          id={id}
          role="menu"
          aria-label={label}
          style={open}
          className="fixed z-30 max-h-[70vh] min-w-[13rem] overflow-y-auto rounded-md border border-line bg-surface py-1 text-left shadow-lg"
        >
          {items.map((item, n) => (
            <li
              key={item.key}
              role="none"
              className={n === firstDanger && n > 0 ? 'mt-1 border-t border-line pt-1' : ''}
            >
              <button
                type="button"
                role="menuitem"
                aria-disabled={item.disabledReason ? true : undefined}
                aria-description={item.disabledReason ?? undefined}
                tabIndex={-1}
                onClick={() => {
                  if (item.disabledReason) return;
                  close(true);
                  item.onSelect();
                }}
                className={`flex w-full items-start gap-2 px-3 py-1.5 text-left text-sm focus:bg-slate-100 focus:outline-none dark:focus:bg-slate-800 ${
                  item.disabledReason
                    ? 'cursor-not-allowed text-muted'
                    : item.danger
                      ? 'text-red-700 hover:bg-red-50 dark:text-red-300 dark:hover:bg-red-950/40'
                      : 'hover:bg-slate-100 dark:hover:bg-slate-800'
                }`}
              >
                {item.icon && <span className="mt-0.5 shrink-0">{item.icon}</span>}
                <span className="min-w-0">
                  <span className="block">{item.label}</span>
                  {item.disabledReason && (
                    <span className="block text-xs">{item.disabledReason}</span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
