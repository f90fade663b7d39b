import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CloneRequest } from '@berth/contracts';
import { cloneInstance, createPool, deletePool, fetchPools, setDefaultPool } from '@/api/storage';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

export const poolKeys = {
  all: ['pools'] as const,
  list: () => [...poolKeys.all, 'list'] as const,
};

export function usePools() {
  return useQuery({ queryKey: poolKeys.list(), queryFn: ({ signal }) => fetchPools(signal) });
}

/** Pool changes refresh the list either way: a refusal may still say something new (usage). */
function usePoolMutation<A, R>(fn: (arg: A) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSettled: () => qc.invalidateQueries({ queryKey: poolKeys.all }),
  });
}

export const useCreatePool = () => usePoolMutation(createPool);
export const useSetDefaultPool = () => usePoolMutation(setDefaultPool);
export const useDeletePool = () => usePoolMutation(deletePool);

/** A clone, as a task; resolves when the API accepted it, the callbacks tell its end. */
export function useClone(id: string) {
  const qc = useQueryClient();
  const refetch = () => {
    void qc.invalidateQueries({ queryKey: instanceKeys.all });
    void qc.invalidateQueries({ queryKey: poolKeys.all });
  };
  return useMutation({
    mutationFn: ({ body, cb = {} }: { body: CloneRequest; cb?: TaskCallbacks }) =>
      runTask(() => cloneInstance(id, body), {
        onProgress: cb.onProgress,
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
