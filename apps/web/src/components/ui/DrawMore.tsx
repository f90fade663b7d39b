'use client';
import { useEffect, useRef, type RefObject } from 'react';

/**
 * An empty element under the last row drawn of a long list: scrolled near, it asks for more.
 * What is out of sight is not drawn on the first screen, where each row costs React, style and
 * layout time before the page answers. Key it by the count drawn, so one still in view after
 * more were drawn is observed anew and asks again.
 */
export function DrawMore({
  onSeen,
  root,
  as = 'div',
}: {
  onSeen: () => void;
  /** The scrolling element it sits in; the viewport when not given. */
  root?: RefObject<HTMLElement | null>;
  as?: 'div' | 'li';
}) {
  const ref = useRef<HTMLDivElement & HTMLLIElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    // 100px, not more: at 800 px high a wider margin reached the first screen's last row, and
    // everything was drawn at once.
    const io = new IntersectionObserver(
      ([entry]) => {
        if (entry?.isIntersecting) onSeen();
      },
      { root: root?.current ?? null, rootMargin: '100px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [root, onSeen]);
  const Tag = as;
  return <Tag ref={ref} aria-hidden className="h-5" />;
}
