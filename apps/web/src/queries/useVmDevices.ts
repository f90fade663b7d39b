import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AddVmPortRequest, AddVmUsbRequest, TaskAccepted } from '@berth/contracts';
import {
  addVmPort,
  addVmUsb,
  addVmUsbStorage,
  fetchVmDevices,
  removeVmPort,
  removeVmUsb,
} from '@/api/vmDevices';
import { runTask } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

const devicesKey = (id: string) => [...instanceKeys.detail(id), 'devices'] as const;

/** A VM's ports and USB devices, read again with the instance (its state decides what is pending). */
export function useVmDevices(id: string, state: string) {
  return useQuery({
    queryKey: [...devicesKey(id), state],
    queryFn: ({ signal }) => fetchVmDevices(id, signal),
  });
}

/** After a change: the list and the instance (its pending changes) are read again. */
function useRefetch(id: string) {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
}

export function useVmPortChange(id: string) {
  const refetch = useRefetch(id);
  return useMutation({
    mutationFn: (change: { add: AddVmPortRequest } | { remove: string }) =>
      'add' in change ? addVmPort(id, change.add) : removeVmPort(id, change.remove),
    onSettled: refetch,
  });
}

/** A USB change is a task (a hot-plug under a running VM); its end has the list read again. */
export function useVmUsbChange(id: string) {
  const refetch = useRefetch(id);
  const task = (start: () => Promise<TaskAccepted>) =>
    runTask(start, { onSuccess: refetch, onFailure: refetch });
  return useMutation({
    mutationFn: (
      change:
        | { add: AddVmUsbRequest }
        | { remove: string }
        | { stick: File; raw: boolean; onUploaded: (fraction: number) => void },
    ) =>
      task(() =>
        'add' in change
          ? addVmUsb(id, change.add)
          : 'remove' in change
            ? removeVmUsb(id, change.remove)
            : addVmUsbStorage(id, change.stick, change.raw, change.onUploaded),
      ),
  });
}
