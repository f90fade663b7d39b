import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { VmHardwareRequest } from '@berth/contracts';
import { fetchVmHardwareChoices, setVmHardware } from '@/api/vmHardware';
import { instanceKeys } from './keys';

/** What the VM's host offers: q35 machine types, CPU models, whether UEFI is there. */
export function useVmHardwareChoices(id: string) {
  return useQuery({
    queryKey: [...instanceKeys.detail(id), 'hardware-choices'],
    queryFn: ({ signal }) => fetchVmHardwareChoices(id, signal),
    staleTime: 5 * 60_000,
  });
}

/** Saves start-time settings; the answer carries the instance with its pending changes. */
export function useSetVmHardware(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: VmHardwareRequest) => setVmHardware(id, body),
    onSuccess: (change) => qc.setQueryData(instanceKeys.detail(id), change.instance),
  });
}
