export interface Toast {
  id: number;
  tone: 'success' | 'error' | 'info';
  title: string;
  body?: string;
}

type Listener = () => void;
let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<Listener>();
const emit = () => listeners.forEach((l) => l());
const EMPTY: Toast[] = [];

/** A tiny external store, read with useSyncExternalStore: raising a toast needs no React. */
export const toastStore = {
  subscribe(l: Listener) {
    listeners.add(l);
    return () => void listeners.delete(l);
  },
  get: () => toasts,
  getServer: () => EMPTY,
  dismiss(id: number) {
    toasts = toasts.filter((t) => t.id !== id);
    emit();
  },
};

export function toast(t: Omit<Toast, 'id'>, ttlMs = t.tone === 'error' ? 10_000 : 5_000): number {
  const id = nextId++;
  toasts = [...toasts.slice(-4), { ...t, id }];
  emit();
  setTimeout(() => toastStore.dismiss(id), ttlMs);
  return id;
}
