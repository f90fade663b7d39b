import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import './globals.css';
import { Providers } from './providers';
import { bootScript } from '@/lib/boot';

export const metadata: Metadata = {
  title: 'Berth',
  description: 'Virtual machines and containers, side by side.',
  icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
};

export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f8fafc' },
    { media: '(prefers-color-scheme: dark)', color: '#0b1120' },
  ],
};

/** Applies the saved theme (or the system's) and row density before the first paint: no flash. */
const themeScript = `try{var h=document.documentElement;var t=localStorage.getItem('berth-theme');var d=t==='dark'||(t!=='light'&&matchMedia('(prefers-color-scheme: dark)').matches);h.classList.toggle('dark',d);h.dataset.density=localStorage.getItem('berth-density')==='"comfortable"'?'comfortable':'compact'}catch(e){}`;

/**
 * A script chunk that fails to load (the browser's network changed under it, or an upgrade
 * replaced the files) reloads the page once, rather than leaving Next.js's "Application error".
 * Only when the server answers: while the API restarts, a reload would trade the live page
 * (which reconnects by itself) for the browser's "can't be reached". Load errors do not bubble:
 * the listener catches them on the way down.
 */
const chunkRetryScript = `addEventListener('error',function(e){var s=e.target;if(s&&s.tagName==='SCRIPT'&&/\\/_next\\/static\\//.test(s.src)){try{var k='berth-chunk-reload',n=Date.now();if(n-(+sessionStorage.getItem(k)||0)>10000){fetch(location.href,{method:'HEAD',cache:'no-store'}).then(function(r){if(r.ok){sessionStorage.setItem(k,String(Date.now()));location.reload()}},function(){})}}catch(x){}}},true)`;

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        <script dangerouslySetInnerHTML={{ __html: themeScript }} />
        <script dangerouslySetInnerHTML={{ __html: chunkRetryScript }} />
        <script dangerouslySetInnerHTML={{ __html: bootScript }} />
      </head>
      <body className="min-h-screen bg-bg font-sans text-fg antialiased">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
