'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { Instance } from '@berth/contracts';
import { instanceScreenshotUrl } from '@/api/instances';

const REFRESH_MS = 5_000;
/** The hover preview: wide enough to read a login prompt on a 720×400 text screen. */
const PREVIEW_W = 480;
const PREVIEW_H = 360;

/** Where the preview goes: beside the thumbnail, kept inside the window. */
function previewAt(el: HTMLElement): { left: number; top: number } {
  const r = el.getBoundingClientRect();
  const left = Math.min(r.right + 8, window.innerWidth - PREVIEW_W - 8);
  const top = Math.max(8, Math.min(r.top - PREVIEW_H / 3, window.innerHeight - PREVIEW_H - 8));
  return { left: Math.max(8, left), top };
}

/**
 * A running VM's screen, small, refreshed every few seconds, but only while its row is on
 * screen and the page is visible: a long list asks for the few screens someone can see.
 * Hovering or focusing it shows the same picture large (fixed, so the table's scroll box does
 * not clip it), readable enough to see a login prompt.
 */
export function ScreenThumbnail({ instance }: { instance: Pick<Instance, 'id' | 'name'> }) {
  const box = useRef<HTMLAnchorElement>(null);
  // Until the row is first seen there is no image at all.
  const [nonce, setNonce] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);
  const [preview, setPreview] = useState<{ left: number; top: number } | null>(null);
  const show = () => setPreview(previewAt(box.current!));
  const hide = () => setPreview(null);

  useEffect(() => {
    const el = box.current!;
    let visible = false;
    const refresh = () => {
      if (!visible || document.visibilityState !== 'visible') return;
      setFailed(false);
      setNonce(Date.now());
    };
    const io = new IntersectionObserver(([entry]) => {
      const was = visible;
      visible = !!entry?.isIntersecting;
      if (visible && !was) refresh();
    });
    io.observe(el);
    const timer = setInterval(refresh, REFRESH_MS);
    document.addEventListener('visibilitychange', refresh);
    return () => {
      io.disconnect();
      clearInterval(timer);
      document.removeEventListener('visibilitychange', refresh);
    };
  }, []);

  return (
    <Link
      ref={box}
      href={`/instances/view/?id=${instance.id}&tab=console`}
      title={`Open the console of ${instance.name}`}
      className="block h-9 w-12 shrink-0 overflow-hidden rounded border border-line bg-black"
      onMouseEnter={show}
      onMouseLeave={hide}
      onFocus={show}
      onBlur={hide}
    >
      {nonce !== null && !failed ? (
        <>
          {/* A plain <img>: the export has no image optimizer, and this PNG changes every time. */}
          <img
            src={instanceScreenshotUrl(instance.id, nonce)}
            alt={`Screen of ${instance.name}`}
            width={48}
            height={36}
            decoding="async"
            className="h-full w-full object-cover object-left-top"
            onLoad={() => setFailed(false)}
            onError={() => setFailed(true)}
          />
          {preview && (
            // The same URL as the thumbnail: the browser has it already, no second screenshot.
            <img
              src={instanceScreenshotUrl(instance.id, nonce)}
              alt=""
              data-preview
              width={PREVIEW_W}
              height={PREVIEW_H}
              className="pointer-events-none fixed z-40 rounded-md border border-line bg-black object-contain shadow-xl"
              style={{ left: preview.left, top: preview.top, width: PREVIEW_W, height: PREVIEW_H }}
            />
          )}
        </>
      ) : (
        <span className="sr-only">Screen of {instance.name}</span>
      )}
    </Link>
  );
}
