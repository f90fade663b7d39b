'use client';
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: Array<number | null>;
  color: string;
  /** Drawn dashed: a limit, not a measurement. */
  dashed?: boolean;
}

/**
 * One uPlot time chart. Loaded only through next/dynamic (see LazyTimeChart), so uPlot stays
 * out of the first-load JS of the pages that show graphs.
 */
export default function TimeChart({
  title,
  times,
  series,
  format,
  height = 140,
  aside,
}: {
  title: string;
  /** Beside the title, right-aligned: a control that changes what the chart shows. */
  aside?: ReactNode;
  /** Seconds since the epoch. */
  times: number[];
  series: ChartSeries[];
  format: (v: number) => string;
  height?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: el.clientWidth || 400,
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: 'currentColor' },
        { stroke: 'currentColor', size: 76, values: (_u, ticks) => ticks.map(format) },
      ],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          dash: s.dashed ? [6, 4] : undefined,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
        })),
      ],
    };
    plot.current = new uPlot(opts, [times, ...series.map((s) => s.values)], el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: el.clientWidth, height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // A new shape of series (another range or subject) makes a new chart; new points only
    // replace the data below.
  }, [series.length, height]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((s) => s.values)]);
  }, [times, series]);

  return (
    <figure className="min-w-0">
      <figcaption className="mb-1 flex items-center justify-between gap-2 text-sm font-medium">
        {title}
        {aside}
      </figcaption>
      <div ref={box} className="w-full text-xs text-muted" data-testid={`chart-${title}`} />
    </figure>
  );
}
