'use client';
import { useLayoutEffect, type RefObject } from 'react';

/** Below this the console is unusable: the page scrolls instead (a phone held sideways). */
const MIN_HEIGHT_PX = 240;

/**
 * What the page puts below an element: its ancestors' bottom padding and borders, and whatever
 * follows it or them (with the gaps of flex and grid columns). Measured, not the document's
 * height, which includes the slack a short page has under it.
 */
function spaceBelow(el: HTMLElement): number {
  let sum = 0;
  for (
    let node: HTMLElement | null = el;
    node && node !== document.body;
    node = node.parentElement
  ) {
    const parent = node.parentElement;
    if (!parent) break;
    const style = getComputedStyle(parent);
    sum += parseFloat(style.paddingBottom) + parseFloat(style.borderBottomWidth);
    const flex = style.display.includes('flex');
    // In a row, what follows sits beside, not below.
    if (flex && !style.flexDirection.startsWith('column')) {
      sum += parseFloat(getComputedStyle(node).marginBottom);
      continue;
    }
    const gap = flex || style.display.includes('grid') ? parseFloat(style.rowGap) || 0 : 0;
    for (let next = node.nextElementSibling; next; next = next.nextElementSibling) {
      if (!(next instanceof HTMLElement) || next.offsetParent === null) continue;
      const m = getComputedStyle(next);
      if (m.position === 'fixed' || m.position === 'absolute') continue;
      sum += next.offsetHeight + parseFloat(m.marginTop) + parseFloat(m.marginBottom);
      sum += gap;
    }
    sum += parseFloat(getComputedStyle(node).marginBottom);
  }
  return sum;
}

/**
 * Sizes `ref`'s element to the window's height left below its top and above whatever the page
 * has under it (its padding), so the page does not scroll and the console takes what is left.
 * Follows window resizes and anything above it changing height (a banner, a wrapping toolbar).
 */
export function useFillViewport(ref: RefObject<HTMLElement | null>, enabled = true) {
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || !enabled) return;
    const fit = () => {
      const top = el.getBoundingClientRect().top + window.scrollY;
      const height = Math.max(MIN_HEIGHT_PX, Math.floor(window.innerHeight - top - spaceBelow(el)));
      // The same height again changes nothing; skipping it ends the loop with the observer below.
      if (el.style.height !== `${height}px`) el.style.height = `${height}px`;
    };
    fit();
    window.addEventListener('resize', fit);
    const ro = new ResizeObserver(fit);
    ro.observe(document.body);
    return () => {
      window.removeEventListener('resize', fit);
      ro.disconnect();
      el.style.height = '';
    };
  }, [ref, enabled]);
}
