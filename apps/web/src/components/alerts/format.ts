import type { AlertEvent, AlertMetric, AlertRule } from '@berth/contracts';
import { formatBytes } from '@/lib/format';

export const METRIC_LABELS: Record<AlertMetric, string> = {
  cpuPct: 'CPU (% of one CPU)',
  cpuCapPct: 'CPU (% of its cap)',
  memPct: 'Memory (% of its limit)',
  memBytes: 'Memory used',
  swapBytes: 'Swap used',
  diskReadBps: 'Disk reads per second',
  diskWriteBps: 'Disk writes per second',
  netRxBps: 'Network in per second',
  netTxBps: 'Network out per second',
  processes: 'Processes',
};

/** A threshold or value in the metric's own unit. */
export function formatValue(metric: AlertMetric, v: number): string {
  if (metric.endsWith('Pct')) return `${Math.round(v * 10) / 10} %`;
  if (metric.endsWith('Bps')) return `${formatBytes(v)}/s`;
  if (metric.endsWith('Bytes')) return formatBytes(v);
  return String(v);
}

/** "CPU (% of one CPU) above 30 % for 10 s". */
export const describeRule = (
  r: Pick<AlertRule, 'metric' | 'comparison' | 'threshold'> & { forSeconds?: number },
) =>
  `${METRIC_LABELS[r.metric]} ${r.comparison} ${formatValue(r.metric, r.threshold)}${
    r.forSeconds ? ` for ${r.forSeconds} s` : ''
  }`;

export const subjectHref = (a: AlertEvent) =>
  a.subject.startsWith('host:') ? null : `/instances/view/?id=${encodeURIComponent(a.subject)}`;
