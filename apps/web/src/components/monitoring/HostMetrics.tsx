'use client';
import Link from 'next/link';
import type { Host } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { useAdapterMetrics, useHostMetrics, useTopInstances } from '@/queries/useMetrics';
import { MetricsPanel, useRange } from './MetricsPanel';

/** A host's usage graphs for the dashboard. */
export function HostMetrics({ host }: { host: Host }) {
  const [range, setRange] = useRange();
  const query = useHostMetrics(host.id, range);
  const adapters = useAdapterMetrics('host', host.id, range);
  return (
    <MetricsPanel
      title={`Host ${host.name}`}
      query={query}
      adapters={adapters}
      range={range}
      onRange={setRange}
    />
  );
}

/** The ten running instances using the most CPU and the most memory now. */
export function TopInstances() {
  const top = useTopInstances(true);
  const list = (
    title: string,
    items: Array<{ id: string; name: string; value: number }>,
    show: (v: number) => string,
  ) => (
    <div className="min-w-0">
      <h3 className="mb-1 text-sm font-medium">{title}</h3>
      {items.length === 0 ? (
        <p className="text-sm text-muted">No running instance sampled yet.</p>
      ) : (
        <ol className="divide-y divide-line/60 text-sm">
          {items.map((i) => (
            <li key={i.id} className="flex justify-between gap-2 py-1">
              <Link prefetch={false} className="link truncate" href={`/instances/view/?id=${i.id}`}>
                {i.name}
              </Link>
              <span className="tabular-nums text-muted">{show(i.value)}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
  return (
    <section aria-labelledby="busiest" className="card p-4">
      <h2 id="busiest" className="mb-2 font-semibold">
        Busiest instances
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        {list('By CPU', top.data?.byCpu ?? [], (v) => `${Math.round(v)} %`)}
        {list('By memory', top.data?.byMemory ?? [], (v) => formatBytes(v))}
      </div>
    </section>
  );
}
