import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FirewallSettingsInput } from '@berth/contracts';
import { fetchFirewall, saveFirewall } from '@/api/firewall';

const firewallKey = (id: string) => ['firewall', id] as const;

/** How often the counters refresh while the tab is on screen (paused in hidden browser tabs). */
export const FIREWALL_REFRESH_MS = 5000;

export function useFirewall(id: string) {
  return useQuery({
    queryKey: firewallKey(id),
    queryFn: ({ signal }) => fetchFirewall(id, signal),
    refetchInterval: FIREWALL_REFRESH_MS,
    refetchIntervalInBackground: false,
  });
}

export function useSaveFirewall(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: FirewallSettingsInput) => saveFirewall(id, body),
    onSuccess: (fw) => qc.setQueryData(firewallKey(id), fw),
  });
}
