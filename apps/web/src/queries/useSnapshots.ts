import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateSnapshotRequest, RevertSnapshotRequest } from '@berth/contracts';
import { deleteSnapshot, fetchSnapshots, revertSnapshot, takeSnapshot } from '@/api/snapshots';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { snapshotKeys } from './keys';

export function useSnapshots(id: string) {
  return useQuery({
    queryKey: snapshotKeys.list(id),
    queryFn: ({ signal }) => fetchSnapshots(id, signal),
  });
}

/** The tree changes when the task ends, either way: the callbacks refetch it before the caller's. */
function refetching(refetch: () => void, cb: TaskCallbacks = {}): TaskCallbacks {
  return {
    onProgress: cb.onProgress,
    onSuccess: (t) => {
      refetch();
      cb.onSuccess?.(t);
    },
    onFailure: (t) => {
      refetch();
      cb.onFailure?.(t);
    },
  };
}

export type SnapshotChange =
  | { take: CreateSnapshotRequest }
  | { revert: string; body: RevertSnapshotRequest }
  | { remove: string };

/** Take, revert or delete one snapshot, as a task; resolves when the API accepted it. */
export function useSnapshotChange(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: snapshotKeys.list(id) });
  return useMutation({
    mutationFn: ({ change, cb }: { change: SnapshotChange; cb?: TaskCallbacks }) =>
      runTask(
        () =>
          'take' in change
            ? takeSnapshot(id, change.take)
            : 'revert' in change
              ? revertSnapshot(id, change.revert, change.body)
              : deleteSnapshot(id, change.remove),
        refetching(refetch, cb),
      ),
  });
}
