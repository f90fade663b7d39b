'use client';
import { useState } from 'react';
import type { UsageGroupBy } from '@berth/contracts';
import { usageExportUrl, type UsagePeriod } from '@/api/usage';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useUsage } from '@/queries/useUsage';

const DAY = 86_400_000;

/** Whole UTC days, the way a bill counts them. */
const dayStart = (ms: number) => new Date(Math.floor(ms / DAY) * DAY);
const PRESETS: Array<[string, () => { from: Date; to: Date }]> = [
  ['Last 24 hours', () => ({ from: new Date(Date.now() - DAY), to: new Date() })],
  ['Last 7 days', () => ({ from: dayStart(Date.now() - 7 * DAY), to: new Date() })],
  [
    'This month',
    () => {
      const now = new Date();
      return { from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)), to: now };
    },
  ],
  [
    'Last month',
    () => {
      const now = new Date();
      return {
        from: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)),
        to: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)),
      };
    },
  ],
];

const num = (v: number, digits = 3) =>
  v.toLocaleString(undefined, { maximumFractionDigits: digits });

export default function UsagePage() {
  const me = useMe();
  const allowed = can(me.data, 'usage.view');
  const [preset, setPreset] = useState(0);
  const [groupBy, setGroupBy] = useState<UsageGroupBy>('instance');
  // The period is fixed when chosen, so the query key (and the download) stays the same.
  const [period, setPeriod] = useState(() => PRESETS[0]![1]());
  const p: UsagePeriod = {
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    groupBy,
  };
  const usage = useUsage(p, allowed);

  if (me.isPending) return <LoadingState label="Loading…" />;
  if (!allowed)
    return (
      <>
        <PageHeader title="Usage" />
        <ErrorState
          title="Not for this account"
          error="Usage totals need the usage.view permission (Administrators and Auditors have it)."
        />
      </>
    );
  return (
    <>
      <PageHeader
        title="Usage"
        description="What instances used over a period, from the stored samples: CPU-hours, memory GiB-hours, disk GiB-days (allocated size while running) and network traffic. For billing, as CSV or JSON."
        actions={
          <>
            <a className="btn-link" href={usageExportUrl(p, 'csv')} download>
              Download CSV
            </a>
            <a className="btn-link" href={usageExportUrl(p, 'json')} download>
              Download JSON
            </a>
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <div role="group" aria-label="Period" className="flex gap-1">
          {PRESETS.map(([label, make], i) => (
            <button
              key={label}
              type="button"
              aria-pressed={preset === i}
              className={`rounded px-2 py-1 ${preset === i ? 'bg-sky-700 text-white' : 'border border-line'}`}
              onClick={() => {
                setPreset(i);
                setPeriod(make());
              }}
            >
              {label}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2">
          Per
          <select
            className="input"
            value={groupBy}
            onChange={(e) => setGroupBy(e.target.value as UsageGroupBy)}
          >
            <option value="instance">instance</option>
            <option value="host">host</option>
            <option value="tag">tag</option>
          </select>
        </label>
        <span className="text-muted">
          {period.from.toLocaleString()} – {period.to.toLocaleString()}
        </span>
      </div>
      {usage.isPending ? (
        <LoadingState label="Adding up the samples…" />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : usage.data.items.length === 0 ? (
        <p className="text-sm text-muted">No samples in this period.</p>
      ) : (
        <div className="card overflow-x-auto">
          <table className="w-full text-sm" data-testid="usage-table">
            <thead className="text-left text-muted">
              <tr>
                <th className="p-2">{groupBy === 'tag' ? 'Tag' : 'Name'}</th>
                <th className="p-2 text-right">CPU-hours</th>
                <th className="p-2 text-right">Memory GiB-hours</th>
                <th className="p-2 text-right">Disk GiB-days</th>
                <th className="p-2 text-right">Network in GiB</th>
                <th className="p-2 text-right">Network out GiB</th>
                <th className="p-2 text-right">Hours sampled</th>
              </tr>
            </thead>
            <tbody>
              {usage.data.items.map((r) => (
                <tr key={r.key} className="border-t border-line">
                  <td className="p-2">{r.name || <span className="text-muted">(no tag)</span>}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.cpuHours)}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.memoryGiBHours)}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.diskGiBDays)}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.netInGiB, 4)}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.netOutGiB, 4)}</td>
                  <td className="p-2 text-right tabular-nums">{num(r.sampledHours, 1)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="p-2 text-xs text-muted">
            Summed from the {usage.data.steps.join(' s, ')} s samples: each part of the period at
            the finest step still kept.
          </p>
        </div>
      )}
    </>
  );
}
