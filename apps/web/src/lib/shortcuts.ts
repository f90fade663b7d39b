import { NAV_PAGES } from './navigation';

/** What a key (after the one before it, for "g i") asks the frame to do. */
export type ShortcutCommand =
  | { type: 'help' | 'filter' | 'tree' }
  | { type: 'go'; href: string }
  /** "g" waits for its second key. */
  | { type: 'pending' };

export interface ShortcutHelp {
  keys: string[];
  label: string;
}

/** The list the help dialog shows; "g" + a page's key comes from the navigation registry. */
export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: ['Ctrl', 'K'], label: 'Command palette: jump to an instance or page, run an action' },
  { keys: ['/'], label: 'Filter the resource tree' },
  { keys: ['['], label: 'Show or hide the resource tree' },
  { keys: ['?'], label: 'This list' },
  ...NAV_PAGES.filter((p) => p.key).map((p) => ({
    keys: ['g', p.key!],
    label: `Go to ${p.label}`,
  })),
];

/**
 * The command for a plain key press (no Ctrl/Alt/Meta), given whether "g" came just before.
 * Null: not a shortcut, the key does what it normally does.
 */
export function shortcutFor(key: string, afterG: boolean): ShortcutCommand | null {
  if (afterG) {
    const page = NAV_PAGES.find((p) => p.key === key);
    return page ? { type: 'go', href: page.href } : null;
  }
  switch (key) {
    case 'g':
      return { type: 'pending' };
    case '?':
      return { type: 'help' };
    case '/':
      return { type: 'filter' };
    case '[':
      return { type: 'tree' };
    default:
      return null;
  }
}

/** Whether a key press belongs to a console: its terminal or VM screen takes every key for the guest. */
export const isConsoleTarget = (target: EventTarget | null): boolean =>
  target instanceof Element && !!target.closest('.xterm, canvas, [data-keyboard-capture]');

/** Whether a key press is for the element it happened in (typing, a console) rather than us. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || isConsoleTarget(target);
}
