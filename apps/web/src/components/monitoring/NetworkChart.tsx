'use client';
import { useId, useState } from 'react';
import type { AdapterSeries } from '@berth/contracts';
import { formatBytes } from '@/lib/format';
import { TimeChart } from './LazyTimeChart';
import type { ChartSeries } from './TimeChart';

const rate = (v: number) => `${formatBytes(v)}/s`;
/** in/out pairs per adapter in "each adapter": one hue per adapter, out a lighter shade. */
const HUES: Array<[string, string]> = [
  ['#0891b2', '#67e8f9'],
  ['#7c3aed', '#c4b5fd'],
  ['#16a34a', '#86efac'],
  ['#db2777', '#f9a8d4'],
  ['#ea580c', '#fdba74'],
  ['#4b5563', '#9ca3af'],
];
const TOTAL = '';
const EACH = '*';

/**
 * Every adapter's points on one time axis: an adapter added later (a new NIC) has nulls before
 * its first sample rather than a shifted line.
 */
function aligned(adapters: AdapterSeries['adapters']) {
  const times = [...new Set(adapters.flatMap((a) => a.t))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const column = (a: AdapterSeries['adapters'][number], f: 'rxBps' | 'txBps') => {
    const out: Array<number | null> = times.map(() => null);
    a.t.forEach((t, i) => (out[at.get(t)!] = a.values[f][i] ?? null));
    return out;
  };
  return { times: times.map((t) => t / 1000), column };
}

/**
 * The network graph: the total of every adapter (as the panel's series has it), one adapter, or
 * each adapter as its own pair of lines, picked above the chart. Without per-adapter rows (an
 * older agent) it is the total alone.
 */
export function NetworkChart({
  times,
  totalIn,
  totalOut,
  adapters,
}: {
  times: number[];
  totalIn: Array<number | null>;
  totalOut: Array<number | null>;
  adapters: AdapterSeries['adapters'];
}) {
  const [chosen, setChosen] = useState(TOTAL);
  const selectId = useId();
  const shown =
    chosen === TOTAL || chosen === EACH ? adapters : adapters.filter((a) => a.adapter === chosen);
  let chart: { times: number[]; series: ChartSeries[] };
  if (chosen === TOTAL || shown.length === 0) {
    chart = {
      times,
      series: [
        { label: 'in', values: totalIn, color: '#0891b2' },
        { label: 'out', values: totalOut, color: '#ca8a04' },
      ],
    };
  } else {
    const { times: t, column } = aligned(shown);
    const many = shown.length > 1;
    chart = {
      times: t,
      series: shown.flatMap((a, i) => {
        const [rx, tx] = many ? HUES[i % HUES.length]! : (['#0891b2', '#ca8a04'] as const);
        const name = many ? `${a.adapter} ` : '';
        return [
          { label: `${name}in`, values: column(a, 'rxBps'), color: rx },
          { label: `${name}out`, values: column(a, 'txBps'), color: tx },
        ];
      }),
    };
  }
  const choice = adapters.length > 0 && (
    <span className="flex items-center gap-2 text-xs font-normal">
      <label htmlFor={selectId} className="text-muted">
        Adapter
      </label>
      <select
        id={selectId}
        className="rounded border border-line bg-transparent px-1 py-0.5"
        value={chosen}
        onChange={(e) => setChosen(e.target.value)}
      >
        <option value={TOTAL}>All (total)</option>
        {adapters.length > 1 && <option value={EACH}>Each adapter</option>}
        {adapters.map((a) => (
          <option key={a.adapter} value={a.adapter}>
            {a.adapter}
          </option>
        ))}
      </select>
    </span>
  );
  // Another choice is another set of lines: a new chart rather than new data in the old.
  return (
    <TimeChart
      key={chosen}
      title="Network"
      aside={choice}
      times={chart.times}
      format={rate}
      series={chart.series}
    />
  );
}
