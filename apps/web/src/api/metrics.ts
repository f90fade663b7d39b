import type { MetricSeries, MetricsRange, TopInstances } from '@berth/contracts';
import { http } from './http';

export const fetchInstanceMetrics = (id: string, range: MetricsRange, signal?: AbortSignal) =>
  http<MetricSeries>(`/instances/${encodeURIComponent(id)}/metrics?range=${range}`, { signal });
export const fetchHostMetrics = (hostId: string, range: MetricsRange, signal?: AbortSignal) =>
  http<MetricSeries>(`/hosts/${encodeURIComponent(hostId)}/metrics?range=${range}`, { signal });
export const fetchTopInstances = (signal?: AbortSignal) =>
  http<TopInstances>('/metrics/top', { signal });
