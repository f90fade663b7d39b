import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  ConvertToTemplateInput,
  DisableRequest,
  Instance,
  ReinstallRequestInput,
  RenameRequest,
} from '@berth/contracts';
import {
  convertToTemplate,
  deleteTemplate,
  reinstallInstance,
  renameInstance,
  setInstanceDisabled,
} from '@/api/maintenance';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys, templateKeys } from './keys';

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

/** A VM made a template, as a task: at its end the instance list and the templates change. */
export function useConvertToTemplate(id: string) {
  const qc = useQueryClient();
  const refetch = () => {
    void qc.invalidateQueries({ queryKey: instanceKeys.all });
    void qc.invalidateQueries({ queryKey: templateKeys.all });
  };
  return useMutation({
    mutationFn: ({ body, cb = {} }: { body: ConvertToTemplateInput; cb?: TaskCallbacks }) =>
      runTask(() => convertToTemplate(id, body), {
        onSuccess: (t) => {
          refetch();
          cb.onSuccess?.(t);
        },
        onFailure: (t) => {
          refetch();
          cb.onFailure?.(t);
        },
      }),
  });
}

export function useDeleteTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteTemplate,
    onSettled: () => qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}
