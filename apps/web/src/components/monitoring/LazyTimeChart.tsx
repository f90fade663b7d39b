'use client';
import dynamic from 'next/dynamic';

/** uPlot only arrives when a graph is shown, keeping it out of every page's first load. */
export const TimeChart = dynamic(() => import('./TimeChart'), {
  ssr: false,
  loading: () => <div className="h-[160px] animate-pulse rounded bg-line/40" />,
});
