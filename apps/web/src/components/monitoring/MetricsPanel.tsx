'use client';
import { useState } from 'react';
import type { AdapterSeries, MetricField, MetricSeries, MetricsRange } from '@berth/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { formatBytes } from '@/lib/format';
import { errorText } from '@/lib/errorText';
import { TimeChart } from './LazyTimeChart';
import { NetworkChart } from './NetworkChart';

const RANGES: Array<[MetricsRange, string]> = [
  ['1h', '1 hour'],
  ['1d', '1 day'],
  ['1w', '1 week'],
  ['1m', '1 month'],
  ['1y', '1 year'],
];

const pct = (v: number) => `${Math.round(v)} %`;
const bytes = (v: number) => formatBytes(v);
const rate = (v: number) => `${formatBytes(v)}/s`;

export function RangeButtons({
  range,
  onChange,
}: {
  range: MetricsRange;
  onChange: (r: MetricsRange) => void;
}) {
  return (
    <div role="group" aria-label="Range" className="flex gap-1">
      {RANGES.map(([r, label]) => (
        <button
          key={r}
          type="button"
          aria-pressed={range === r}
          title={label}
          className={`rounded px-2 py-0.5 text-xs ${range === r ? 'bg-sky-700 text-white' : 'border border-line'}`}
          onClick={() => onChange(r)}
        >
          {r}
        </button>
      ))}
    </div>
  );
}

/**
 * CPU, memory (its limit as a dashed line), disk I/O and network graphs of one series.
 * `cpuOf` says what 100 % means in the CPU graph's label (one CPU).
 */
export function MetricsPanel({
  title,
  query,
  adapters,
  range,
  onRange,
}: {
  title: string;
  query: UseQueryResult<MetricSeries>;
  /** Per-adapter series of the same subject and range, for the network graph's choice. */
  adapters: UseQueryResult<AdapterSeries>;
  range: MetricsRange;
  onRange: (r: MetricsRange) => void;
}) {
  const times = (query.data?.t ?? []).map((t) => t / 1000);
  const col = (k: MetricField) => query.data?.values[k] ?? [];
  const hasLimit = col('memLimitBytes').some((v) => v !== null);
  return (
    <section aria-label={title} className="card space-y-3 p-4" data-testid="metrics-panel">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="font-semibold">{title}</h2>
        <RangeButtons range={range} onChange={onRange} />
      </div>
      {query.isError ? (
        <p className="text-sm text-red-700">{errorText(query.error)}</p>
      ) : query.isPending ? (
        <p className="text-sm text-muted">Loading…</p>
      ) : times.length === 0 ? (
        <p className="text-sm text-muted">
          No samples in this range yet: they are taken every 5 s while it runs.
        </p>
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          <TimeChart
            title="CPU (% of one CPU)"
            times={times}
            format={pct}
            series={[
              { label: 'average', values: col('cpuPct'), color: '#2563eb' },
              ...(range === '1h'
                ? []
                : [{ label: 'peak', values: col('cpuMaxPct'), color: '#93c5fd' }]),
            ]}
          />
          <TimeChart
            title="Memory"
            times={times}
            format={bytes}
            series={[
              { label: 'used', values: col('memBytes'), color: '#16a34a' },
              ...(hasLimit
                ? [{ label: 'limit', values: col('memLimitBytes'), color: '#dc2626', dashed: true }]
                : []),
            ]}
          />
          <TimeChart
            title="Disk I/O"
            times={times}
            format={rate}
            series={[
              { label: 'read', values: col('diskReadBps'), color: '#9333ea' },
              { label: 'write', values: col('diskWriteBps'), color: '#ea580c' },
            ]}
          />
          <NetworkChart
            times={times}
            totalIn={col('netRxBps')}
            totalOut={col('netTxBps')}
            adapters={adapters.data?.adapters ?? []}
          />
        </div>
      )}
    </section>
  );
}

/** Keeps the chosen range while the panel is mounted. */
export function useRange(initial: MetricsRange = '1h') {
  return useState<MetricsRange>(initial);
}
