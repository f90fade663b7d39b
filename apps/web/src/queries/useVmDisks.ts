import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ImportableDiskFormat } from '@berth/contracts';
import { addVmDisk, importVmDisk, removeVmDisk, resizeVmDisk } from '@/api/vmDisks';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

export type VmDiskChangeInput = { sizeMiB: number } & ({ add: true } | { disk: string });

/** Add or grow a VM disk, as a task; the instance (its disk list) is read again when it ends. */
export function useVmDiskChange(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
  return useMutation({
    mutationFn: ({ change, cb = {} }: { change: VmDiskChangeInput; cb?: TaskCallbacks }) =>
      runTask(
        () =>
          'add' in change
            ? addVmDisk(id, { sizeMiB: change.sizeMiB })
            : resizeVmDisk(id, change.disk, { sizeMiB: change.sizeMiB }),
        {
          onProgress: cb.onProgress,
          onSuccess: (t) => {
            refetch();
            cb.onSuccess?.(t);
          },
          onFailure: (t) => {
            refetch();
            cb.onFailure?.(t);
          },
        },
      ),
  });
}

/** A disk from an uploaded image: the upload reports its share, then the conversion runs as a task. */
export function useVmDiskImport(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
  return useMutation({
    mutationFn: ({
      file,
      format,
      onUploaded,
      cb = {},
    }: {
      file: File;
      format: ImportableDiskFormat | null;
      onUploaded: (fraction: number) => void;
      cb?: TaskCallbacks;
    }) =>
      runTask(() => importVmDisk(id, file, format, onUploaded), {
        ...cb,
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

/** Removes a disk and its file, as a task; the instance is read again when it ends. */
export function useVmDiskRemove(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
  return useMutation({
    mutationFn: (disk: string) =>
      runTask(() => removeVmDisk(id, disk), { onSuccess: refetch, onFailure: refetch }),
  });
}
