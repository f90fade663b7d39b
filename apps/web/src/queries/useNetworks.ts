import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  createNetwork,
  deleteNetwork,
  fetchHostAdapters,
  fetchNetwork,
  fetchNetworks,
  updateNetwork,
} from '@/api/networks';

export const networkKeys = {
  all: ['networks'] as const,
  list: () => [...networkKeys.all, 'list'] as const,
  one: (name: string) => [...networkKeys.all, 'one', name] as const,
  // Under `all`: a network made or deleted adds or removes a bridge among the adapters.
  adapters: () => [...networkKeys.all, 'host-adapters'] as const,
};

export function useNetworks(enabled = true) {
  return useQuery({
    queryKey: networkKeys.list(),
    queryFn: ({ signal }) => fetchNetworks(signal),
    enabled,
  });
}

export function useNetwork(name: string) {
  return useQuery({
    queryKey: networkKeys.one(name),
    queryFn: ({ signal }) => fetchNetwork(name, signal),
    enabled: name !== '',
  });
}

export function useHostAdapters() {
  return useQuery({
    queryKey: networkKeys.adapters(),
    queryFn: ({ signal }) => fetchHostAdapters(signal),
  });
}

/** Network changes refresh every network view either way: a refusal may follow a change by someone else. */
function useNetworkMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: networkKeys.all }),
  });
}

export const useCreateNetwork = () => useNetworkMutation(createNetwork);
export const useUpdateNetwork = () => useNetworkMutation(updateNetwork);
export const useDeleteNetwork = () => useNetworkMutation(deleteNetwork);
