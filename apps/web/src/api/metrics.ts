import type {
  AdapterSeries,
  InstancesNow,
  MetricSeries,
  MetricsRange,
  TopInstances,
} from '@berth/contracts';
import { http } from './http';

/** What MetricsPanel draws: the other fields stay on the server. */
const DRAWN =
  'fields=cpuPct,cpuMaxPct,memBytes,memLimitBytes,diskReadBps,diskWriteBps,netRxBps,netTxBps';

export const fetchInstanceMetrics = (id: string, range: MetricsRange, signal?: AbortSignal) =>
  http<MetricSeries>(`/instances/${encodeURIComponent(id)}/metrics?range=${range}&${DRAWN}`, {
    signal,
  });
export const fetchHostMetrics = (hostId: string, range: MetricsRange, signal?: AbortSignal) =>
  http<MetricSeries>(`/hosts/${encodeURIComponent(hostId)}/metrics?range=${range}&${DRAWN}`, {
    signal,
  });
/** Per network adapter, for the network graph's adapter choice. */
export const fetchAdapterMetrics = (
  subject: 'instance' | 'host',
  id: string,
  range: MetricsRange,
  signal?: AbortSignal,
) =>
  http<AdapterSeries>(
    `/${subject === 'host' ? 'hosts' : 'instances'}/${encodeURIComponent(id)}/metrics/adapters?range=${range}`,
    { signal },
  );
export const fetchTopInstances = (signal?: AbortSignal) =>
  http<TopInstances>('/metrics/top', { signal });
export const fetchInstancesNow = (signal?: AbortSignal) =>
  http<InstancesNow>('/metrics/now', { signal });
