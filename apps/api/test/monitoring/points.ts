import type { MetricSeries, MetricValues } from '@berth/contracts';

/** One point with every field (the routes answer all of them unless `fields` is given). */
export type Point = MetricValues & { t: number; cpuMaxPct: number };

/** A columnar series as one object per point, which reads better in an assertion. */
export const pointsOf = (s: MetricSeries): Point[] =>
  s.t.map((t, i) => {
    const p: Record<string, number | null> = { t };
    for (const [f, col] of Object.entries(s.values)) p[f] = col[i] ?? null;
    return p as Point;
  });
