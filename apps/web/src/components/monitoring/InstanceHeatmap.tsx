'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { InstanceNow } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { useHosts } from '@/queries/useHosts';
import { useInstancesNow } from '@/queries/useMetrics';

type Measure = 'cpu' | 'memory';

/**
 * CPU: % of the cap when there is one, else of one CPU (capped at 100 for the colour).
 * Memory: % of the limit; null (grey) without one.
 */
const percent = (i: InstanceNow, m: Measure): number | null =>
  m === 'cpu'
    ? Math.min(100, i.cpuCapPct ?? i.cpuPct)
    : i.memLimitBytes
      ? (i.memBytes / i.memLimitBytes) * 100
      : null;

const BANDS: Array<[number, string, string]> = [
  [80, 'bg-red-600', '80 % and more'],
  [60, 'bg-orange-500', '60–80 %'],
  [40, 'bg-yellow-400', '40–60 %'],
  [20, 'bg-green-500', '20–40 %'],
  [0, 'bg-green-200 dark:bg-green-900', 'under 20 %'],
];
const colour = (p: number | null) =>
  p === null ? 'bg-slate-300 dark:bg-slate-600' : BANDS.find(([min]) => p >= min)![1];

const label = (i: InstanceNow) =>
  `${i.name}: CPU ${Math.round(i.cpuPct)} %${i.cpuCapPct === null ? '' : ` (${Math.round(i.cpuCapPct)} % of its cap)`}, memory ${formatBytes(i.memBytes)}${i.memLimitBytes ? ` of ${formatBytes(i.memLimitBytes)}` : ''}`;

/**
 * Every running instance as one small square per host, coloured by CPU or memory: hundreds stay
 * readable at a glance, the hot ones stand out, and each square opens its instance.
 */
export function InstanceHeatmap() {
  const [measure, setMeasure] = useState<Measure>('cpu');
  const now = useInstancesNow(true);
  const hosts = useHosts();
  const names = new Map(hosts.data?.map((h) => [h.id, h.name]));
  const byHost = new Map<string, InstanceNow[]>();
  for (const i of now.data?.items ?? []) byHost.set(i.hostId, [...(byHost.get(i.hostId) ?? []), i]);
  const hot = (now.data?.items ?? []).filter((i) => (percent(i, measure) ?? 0) >= 80).length;
  return (
    <section aria-labelledby="overview" className="card p-4" data-testid="instance-heatmap">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <h2 id="overview" className="font-semibold">
          All running instances
        </h2>
        <div role="group" aria-label="Colour by" className="flex gap-1">
          {(['cpu', 'memory'] as const).map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={measure === m}
              className={`rounded px-2 py-0.5 text-xs ${measure === m ? 'bg-sky-700 text-white' : 'border border-line'}`}
              onClick={() => setMeasure(m)}
            >
              {m === 'cpu' ? 'CPU' : 'Memory'}
            </button>
          ))}
        </div>
      </div>
      {byHost.size === 0 ? (
        <p className="text-sm text-muted">No running instance sampled yet.</p>
      ) : (
        <>
          <p className="mb-2 text-xs text-muted">
            {now.data!.items.length} running, {hot} at 80 % or more of{' '}
            {measure === 'cpu' ? 'their CPU cap (or one CPU)' : 'their memory limit'}.
          </p>
          {[...byHost].map(([hostId, items]) => (
            <div key={hostId} className="mb-2">
              <h3 className="mb-1 text-xs font-medium">
                {names.get(hostId) ?? hostId} ({items.length})
              </h3>
              <ul
                className="flex flex-wrap gap-[2px]"
                aria-label={`Instances on ${names.get(hostId) ?? hostId}`}
              >
                {[...items]
                  .sort((a, b) => a.name.localeCompare(b.name))
                  .map((i) => (
                    <li key={i.id}>
                      <Link
                        href={`/instances/view/?id=${i.id}`}
                        title={label(i)}
                        aria-label={label(i)}
                        className={`block h-3 w-3 rounded-[2px] ${colour(percent(i, measure))}`}
                      />
                    </li>
                  ))}
              </ul>
            </div>
          ))}
          <ul className="mt-2 flex flex-wrap gap-3 text-xs text-muted" aria-label="Legend">
            {BANDS.map(([, cls, text]) => (
              <li key={text} className="flex items-center gap-1">
                <span className={`inline-block h-3 w-3 rounded-[2px] ${cls}`} /> {text}
              </li>
            ))}
            <li className="flex items-center gap-1">
              <span className={`inline-block h-3 w-3 rounded-[2px] ${colour(null)}`} /> no limit
            </li>
          </ul>
        </>
      )}
    </section>
  );
}
