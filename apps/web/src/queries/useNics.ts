import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AddVmNicRequest,
  LinkState,
  SetCtAdapterRequest,
  TaskAccepted,
} from '@berth/contracts';
import { addNic, fetchNics, removeNic, setNicLink, setNicSettings } from '@/api/nics';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

const nicKeys = (id: string) => [...instanceKeys.detail(id), 'nics'] as const;

/** An instance's adapters with their link and host device; under the instance's key, so read again with it. */
export function useNics(id: string) {
  return useQuery({
    queryKey: nicKeys(id),
    queryFn: ({ signal }) => fetchNics(id, signal),
  });
}

/** Runs a NIC task whose end, either way, has the instance and its adapters read again. */
function useNicTask(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
  return (start: () => Promise<TaskAccepted>, cb: TaskCallbacks = {}) =>
    runTask(start, {
      ...cb,
      onSuccess: (t) => {
        refetch();
        cb.onSuccess?.(t);
      },
      onFailure: (t) => {
        refetch();
        cb.onFailure?.(t);
      },
    });
}

export function useAddNic(id: string) {
  const task = useNicTask(id);
  return useMutation({
    mutationFn: ({ body, cb }: { body: AddVmNicRequest; cb?: TaskCallbacks }) =>
      task(() => addNic(id, body), cb),
  });
}

export function useRemoveNic(id: string) {
  const task = useNicTask(id);
  return useMutation({ mutationFn: (nic: number) => task(() => removeNic(id, nic)) });
}

export function useSetNicLink(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ nic, link }: { nic: number; link: LinkState }) => setNicLink(id, nic, { link }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) }),
  });
}

/** A container adapter's MAC, network and address, or (eth0) the container's gateway and resolver. */
export function useSetNicSettings(id: string) {
  const task = useNicTask(id);
  return useMutation({
    mutationFn: ({
      nic,
      body,
      cb,
    }: {
      nic: number;
      body: SetCtAdapterRequest;
      cb?: TaskCallbacks;
    }) => task(() => setNicSettings(id, nic, body), cb),
  });
}
