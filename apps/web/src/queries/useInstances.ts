import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { CreateInstance, Instance, InstanceAction, UpdateInstance } from '@berth/contracts';
import {
  actOnInstance,
  createInstance,
  deleteInstance,
  execInInstance,
  fetchInstance,
  fetchInstances,
  unprivilegeInstance,
  updateInstance,
} from '@/api/instances';
import { runTask, runTaskToEnd, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

const instancesQuery = {
  queryKey: instanceKeys.list(),
  queryFn: ({ signal }: { signal: AbortSignal }) => fetchInstances(signal),
};

export function useInstances() {
  return useQuery(instancesQuery);
}

/**
 * Starts the instance list beside the session check instead of after it: nearly every page
 * (tree, dashboard, list) needs it, and waiting for the check first cost a round trip.
 */
export function prefetchInstances(qc: QueryClient): void {
  void qc.prefetchQuery(instancesQuery);
}

export function useInstance(id: string | null) {
  const qc = useQueryClient();
  return useQuery<Instance>({
    queryKey: instanceKeys.detail(id ?? ''),
    queryFn: ({ signal }) => fetchInstance(id!, signal),
    enabled: !!id,
    // Show the row from the list at once while the detail loads.
    placeholderData: () =>
      qc.getQueryData<Instance[]>(instanceKeys.list())?.find((i) => i.id === id),
  });
}

/** One action on one instance; resolves when the API accepted it (202), callbacks tell the end. */
export function useInstanceAction(cb?: TaskCallbacks) {
  return useMutation({
    mutationFn: ({ id, action, force }: { id: string; action: InstanceAction; force?: boolean }) =>
      runTask(() => actOnInstance(id, action, force ? { force } : undefined), cb),
  });
}

export function useUnprivilegeInstance(cb?: TaskCallbacks) {
  return useMutation({
    mutationFn: (id: string) => runTask(() => unprivilegeInstance(id), cb),
  });
}

export type BulkAction =
  InstanceAction | { stop: { force: boolean } } | { delete: { force: boolean } };

/** The same action on several instances; settles (allSettled) when every task has ended. */
export function useBulkInstanceAction() {
  return useMutation({
    mutationFn: ({ ids, action }: { ids: string[]; action: BulkAction }) =>
      Promise.allSettled(
        ids.map((id) =>
          runTaskToEnd(() =>
            typeof action === 'string'
              ? actOnInstance(id, action)
              : 'stop' in action
                ? actOnInstance(id, 'stop', action.stop)
                : deleteInstance(id, action.delete.force),
          ),
        ),
      ),
  });
}

/** Callbacks go with each call (registered before the request), so they see that call's choices. */
export function useCreateInstance() {
  return useMutation({
    mutationFn: ({
      body,
      hostId,
      cb,
    }: {
      body: CreateInstance;
      hostId?: string;
      cb?: TaskCallbacks;
    }) => runTask(() => createInstance(body, hostId), cb),
  });
}

export function useUpdateInstance(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateInstance) => updateInstance(id, body),
    onSuccess: (inst) => {
      qc.setQueryData(instanceKeys.detail(id), inst);
      qc.setQueryData<Instance[]>(instanceKeys.list(), (old) =>
        old?.map((i) => (i.id === inst.id ? inst : i)),
      );
    },
  });
}

export function useDeleteInstance(cb?: TaskCallbacks) {
  return useMutation({
    mutationFn: ({ id, force }: { id: string; force: boolean }) =>
      runTask(() => deleteInstance(id, force), cb),
  });
}

export function useExec(id: string) {
  return useMutation({
    mutationFn: (body: Parameters<typeof execInInstance>[1]) => execInInstance(id, body),
  });
}
