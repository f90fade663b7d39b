import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MetricsRange } from '@berth/contracts';
import {
  fetchInstanceTraffic,
  fetchNetworkClasses,
  saveNetworkClasses,
} from '@/api/networkClasses';

/** The API reads class counters every 30 s: refreshing faster shows nothing new. */
const TRAFFIC_REFRESH_MS = 30_000;

export const networkClassKeys = {
  all: ['network-classes'] as const,
  traffic: (id: string, range: MetricsRange) => ['instance-traffic', id, range] as const,
};

export function useNetworkClasses() {
  return useQuery({
    queryKey: networkClassKeys.all,
    queryFn: ({ signal }) => fetchNetworkClasses(signal),
  });
}

export function useSaveNetworkClasses() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: saveNetworkClasses,
    onSuccess: (saved) => qc.setQueryData(networkClassKeys.all, saved),
  });
}

export function useInstanceTraffic(id: string, range: MetricsRange) {
  return useQuery({
    queryKey: networkClassKeys.traffic(id, range),
    queryFn: ({ signal }) => fetchInstanceTraffic(id, range, signal),
    // Another range keeps the table (and its class rows) until its numbers come.
    placeholderData: keepPreviousData,
    refetchInterval: TRAFFIC_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}
