import { useEffect, type RefObject } from 'react';

/**
 * Closes an open popover when the pointer or the focus goes outside `box`, or on Escape: what a
 * disclosure button's panel does, so keyboard users leaving it by Tab are not left with it open.
 */
export function useDismiss(
  box: RefObject<HTMLElement | null>,
  open: boolean,
  close: () => void,
): void {
  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      if (!box.current?.contains(e.target as Node)) close();
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && close();
    document.addEventListener('pointerdown', away);
    document.addEventListener('focusin', away);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('focusin', away);
      document.removeEventListener('keydown', esc);
    };
  }, [box, open, close]);
}
