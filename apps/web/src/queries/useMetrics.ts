import { useQuery } from '@tanstack/react-query';
import type { MetricsRange } from '@berth/contracts';
import {
  fetchAdapterMetrics,
  fetchHostMetrics,
  fetchInstanceMetrics,
  fetchInstancesNow,
  fetchTopInstances,
} from '@/api/metrics';
import { metricKeys } from './keys';

/**
 * Live while on screen: the hour refreshes at the agent's 5 s step, longer ranges each minute;
 * react-query pauses the interval in a hidden browser tab.
 */
const refreshFor = (range: MetricsRange) => (range === '1h' ? 5000 : 60_000);

export function useInstanceMetrics(id: string, range: MetricsRange) {
  return useQuery({
    queryKey: metricKeys.instance(id, range),
    queryFn: ({ signal }) => fetchInstanceMetrics(id, range, signal),
    refetchInterval: refreshFor(range),
    refetchIntervalInBackground: false,
  });
}

export function useHostMetrics(hostId: string, range: MetricsRange) {
  return useQuery({
    queryKey: metricKeys.host(hostId, range),
    queryFn: ({ signal }) => fetchHostMetrics(hostId, range, signal),
    refetchInterval: refreshFor(range),
    refetchIntervalInBackground: false,
  });
}

/** An instance's or a host's network traffic per adapter, live like its other graphs. */
export function useAdapterMetrics(subject: 'instance' | 'host', id: string, range: MetricsRange) {
  return useQuery({
    queryKey: metricKeys.adapters(subject, id, range),
    queryFn: ({ signal }) => fetchAdapterMetrics(subject, id, range, signal),
    refetchInterval: refreshFor(range),
    refetchIntervalInBackground: false,
  });
}

export function useTopInstances(enabled: boolean) {
  return useQuery({
    queryKey: metricKeys.top(),
    queryFn: ({ signal }) => fetchTopInstances(signal),
    enabled,
    refetchInterval: 5000,
    refetchIntervalInBackground: false,
  });
}

export function useInstancesNow(enabled: boolean) {
  return useQuery({
    queryKey: metricKeys.now(),
    queryFn: ({ signal }) => fetchInstancesNow(signal),
    enabled,
    refetchInterval: 5000,
    refetchIntervalInBackground: false,
  });
}
