import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { NetworkFirewallSettingsInput } from '@berth/contracts';
import {
  createFirewallSet,
  deleteFirewallSet,
  fetchFirewallSets,
  fetchNetworkFirewall,
  saveNetworkFirewall,
  updateFirewallSet,
} from '@/api/firewallSets';
import { FIREWALL_REFRESH_MS } from './useFirewall';

export const firewallSetKeys = {
  all: ['firewall-sets'] as const,
  network: (name: string) => ['network-firewall', name] as const,
};

export function useFirewallSets(enabled = true) {
  return useQuery({
    queryKey: firewallSetKeys.all,
    queryFn: ({ signal }) => fetchFirewallSets(signal),
    enabled,
  });
}

/** Set changes re-read the list either way: a refusal may follow someone else's change. */
function useSetMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: firewallSetKeys.all }),
  });
}

export const useCreateFirewallSet = () => useSetMutation(createFirewallSet);
export const useUpdateFirewallSet = () => useSetMutation(updateFirewallSet);
export const useDeleteFirewallSet = () => useSetMutation(deleteFirewallSet);

/** A network's rules; the counters refresh while they are on screen. */
export function useNetworkFirewall(network: string) {
  return useQuery({
    queryKey: firewallSetKeys.network(network),
    queryFn: ({ signal }) => fetchNetworkFirewall(network, signal),
    enabled: network !== '',
    refetchInterval: FIREWALL_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useSaveNetworkFirewall(network: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NetworkFirewallSettingsInput) => saveNetworkFirewall(network, body),
    onSuccess: (fw) => {
      qc.setQueryData(firewallSetKeys.network(network), fw);
      // Which sets are in use changed with the rules.
      void qc.invalidateQueries({ queryKey: firewallSetKeys.all });
    },
  });
}
