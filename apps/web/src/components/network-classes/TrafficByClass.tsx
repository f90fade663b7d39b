'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { MetricsRange } from '@berth/contracts';
import { errorText } from '@/lib/errorText';
import { formatBytes, formatRelative } from '@/lib/format';
import { useInstanceTraffic } from '@/queries/useNetworkClasses';
import { RangeButtons } from '@/components/monitoring/MetricsPanel';

/**
 * An instance's bytes per network class over a range (the stored history, read every 30 s),
 * beside what its counters hold now (since its firewall table was made).
 */
export function TrafficByClass({ id }: { id: string }) {
  const [range, setRange] = useState<MetricsRange>('1d');
  const traffic = useInstanceTraffic(id, range);
  const live = new Map(traffic.data?.live?.classes.map((c) => [c.class, c]));
  const history = new Map(traffic.data?.history.map((h) => [h.class, h]));
  const names = [...new Set([...live.keys(), ...history.keys()])];
  return (
    <section className="space-y-2" aria-labelledby="traffic-by-class">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="traffic-by-class" className="text-base font-semibold">
          Traffic by class
        </h2>
        <RangeButtons range={range} onChange={setRange} />
      </div>
      {traffic.isError ? (
        <p className="text-sm text-red-700">{errorText(traffic.error)}</p>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table-base">
            <caption className="sr-only">Traffic by network class over {range}</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">In ({range})</th>
                <th scope="col">Out ({range})</th>
                <th scope="col" className="hidden md:table-cell">
                  In / out since the table was made
                </th>
              </tr>
            </thead>
            <tbody>
              {names.map((name) => {
                const h = history.get(name);
                const l = live.get(name);
                return (
                  <tr key={name}>
                    <td className="font-mono">{name}</td>
                    <td>{formatBytes(h?.inBytes ?? 0)}</td>
                    <td>{formatBytes(h?.outBytes ?? 0)}</td>
                    <td className="hidden md:table-cell">
                      {l ? `${formatBytes(l.inBytes)} / ${formatBytes(l.outBytes)}` : '—'}
                    </td>
                  </tr>
                );
              })}
              {names.length === 0 && (
                <tr>
                  <td colSpan={4} className="text-muted">
                    {traffic.isPending ? 'Loading…' : 'No traffic counted yet.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <p className="text-sm text-muted">
        IPv4 bytes with their IP headers, counted before the firewall rules; in is what the instance
        got, out what it sent. Classes are set on the{' '}
        <Link className="link" href="/network-classes/">
          Network classes
        </Link>{' '}
        page; what none covers is <span className="font-mono">other</span>.
        {traffic.data?.live && ` Counters since ${formatRelative(traffic.data.live.since)}.`}
      </p>
    </section>
  );
}
