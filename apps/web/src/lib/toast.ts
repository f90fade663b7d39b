export interface Toast {
  id: number;
  tone: 'success' | 'error' | 'info';
  title: string;
  body?: string;
  /** Where the notification leads (a task's page). */
  href?: string;
}

/** A notification as the center keeps it: the toast, when, and whether it was seen. */
export interface Notice extends Toast {
  at: string;
  read: boolean;
}

interface State {
  /** On screen now, oldest first: at most MAX_SHOWN. */
  shown: Toast[];
  /** The center, newest first: at most KEEP, kept in localStorage. */
  notices: Notice[];
}

/** More at once would bury the page; older ones stay in the center. */
export const MAX_SHOWN = 3;
export const KEEP = 50;
const SUCCESS_MS = 5_000;

type Listener = () => void;
const EMPTY: State = { shown: [], notices: [] };
let state: State = EMPTY;
let nextId = 1;
/** The keyboard is in a console: nothing pops up over it (the center collects). */
let consoleFocused = false;
let storageKey: string | null = null;
const listeners = new Set<Listener>();

function set(next: State) {
  state = next;
  if (storageKey) {
    try {
      localStorage.setItem(storageKey, JSON.stringify(next.notices));
    } catch {
      // Storage full or blocked: the center still works for this page's life.
    }
  }
  listeners.forEach((l) => l());
}

const isNotice = (v: unknown): v is Notice =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Notice).id === 'number' &&
  typeof (v as Notice).title === 'string' &&
  typeof (v as Notice).at === 'string' &&
  ['success', 'error', 'info'].includes((v as Notice).tone);

/**
 * A tiny external store, read with useSyncExternalStore: raising a toast needs no React.
 * Toasts stack at most three; each is also a notice in the center (the bell), which keeps the
 * last fifty per user. Successes go after a few seconds; failures stay until dismissed.
 */
export const toastStore = {
  subscribe(l: Listener) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
  get: () => state,
  getServer: () => EMPTY,

  /** Loads the signed-in user's notices (each user of a browser has their own). */
  bindUser(userId: string) {
    const key = `berth-notifications:${userId}`;
    if (storageKey === key) return;
    storageKey = key;
    let notices: Notice[] = [];
    try {
      const v: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
      notices = Array.isArray(v) ? v.filter(isNotice).slice(0, KEEP) : [];
    } catch {
      // A hand-edited or foreign value: start afresh.
    }
    nextId = Math.max(nextId, ...notices.map((n) => n.id + 1));
    set({ shown: [], notices });
  },

  /** Off the screen; a toast dismissed by hand or by its timer has been seen. */
  dismiss(id: number) {
    set({
      shown: state.shown.filter((t) => t.id !== id),
      notices: state.notices.map((n) => (n.id === id ? { ...n, read: true } : n)),
    });
  },
  markAllRead() {
    set({ shown: state.shown, notices: state.notices.map((n) => ({ ...n, read: true })) });
  },
  remove(id: number) {
    set({
      shown: state.shown.filter((t) => t.id !== id),
      notices: state.notices.filter((n) => n.id !== id),
    });
  },
  clear() {
    set({ shown: [], notices: [] });
  },

  /**
   * Whether the keyboard is in a console. While it is, toasts on screen go to the center at
   * once, and new ones go there only: nothing pops up over what the operator types into.
   */
  setConsoleFocus(on: boolean) {
    consoleFocused = on;
    if (on && state.shown.length) set({ ...state, shown: [] });
  },
};

export function toast(t: Omit<Toast, 'id'>, ttlMs?: number): number {
  const id = nextId++;
  const notice: Notice = { ...t, id, at: new Date().toISOString(), read: false };
  set({
    // Past three, the oldest leaves the screen unread: the bell's count says it is there.
    shown: consoleFocused ? state.shown : [...state.shown, { ...t, id }].slice(-MAX_SHOWN),
    notices: [notice, ...state.notices].slice(0, KEEP),
  });
  const ttl = ttlMs ?? (t.tone === 'error' ? null : SUCCESS_MS);
  if (ttl !== null && !consoleFocused)
    setTimeout(() => {
      if (state.shown.some((s) => s.id === id)) toastStore.dismiss(id);
    }, ttl);
  return id;
}
