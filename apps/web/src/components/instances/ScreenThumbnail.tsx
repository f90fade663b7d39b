'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { Instance } from '@berth/contracts';
import { instanceScreenshotUrl } from '@/api/instances';

const REFRESH_MS = 5_000;

/**
 * A running VM's screen, small, refreshed every few seconds, but only while its row is on
 * screen and the page is visible: a long list asks for the few screens someone can see.
 */
export function ScreenThumbnail({ instance }: { instance: Pick<Instance, 'id' | 'name'> }) {
  const box = useRef<HTMLAnchorElement>(null);
  // Until the row is first seen there is no image at all.
  const [nonce, setNonce] = useState<number | null>(null);
  const [failed, setFailed] = useState(false);

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
      className="block h-[30px] w-10 shrink-0 overflow-hidden rounded border border-line bg-black"
    >
      {nonce !== null && !failed ? (
        // A plain <img>: the export has no image optimizer, and this PNG changes every time.
        <img
          src={instanceScreenshotUrl(instance.id, nonce)}
          alt={`Screen of ${instance.name}`}
          width={40}
          height={30}
          decoding="async"
          className="h-full w-full object-cover"
          onLoad={() => setFailed(false)}
          onError={() => setFailed(true)}
        />
      ) : (
        <span className="sr-only">Screen of {instance.name}</span>
      )}
    </Link>
  );
}
