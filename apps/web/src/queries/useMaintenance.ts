import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  DisableRequest,
  Instance,
  ReinstallRequestInput,
  RenameRequest,
} from '@berth/contracts';
import { reinstallInstance, renameInstance, setInstanceDisabled } from '@/api/maintenance';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

/** Rename and disable answer the changed instance: it goes straight into the cache. */
function useInstanceChange<B>(id: string, fn: (id: string, body: B) => Promise<Instance>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: B) => fn(id, body),
    onSuccess: (inst) => {
      qc.setQueryData(instanceKeys.detail(id), inst);
      qc.setQueryData<Instance[]>(instanceKeys.list(), (old) =>
        old?.map((i) => (i.id === inst.id ? inst : i)),
      );
    },
  });
}

export const useRenameInstance = (id: string) =>
  useInstanceChange<RenameRequest>(id, renameInstance);

export const useSetInstanceDisabled = (id: string) =>
  useInstanceChange<DisableRequest>(id, setInstanceDisabled);

/** A reinstall, as a task; resolves when the API accepted it, the callbacks tell its end. */
export function useReinstallInstance(id: string) {
  return useMutation({
    mutationFn: ({ body, cb }: { body: ReinstallRequestInput; cb?: TaskCallbacks }) =>
      runTask(() => reinstallInstance(id, body), cb),
  });
}
