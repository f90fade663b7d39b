import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ImportableDiskFormat, TaskAccepted, VmDiskBus, VmDiskCache } from '@berth/contracts';
import { addVmDisk, compactVmDisk, importVmDisk, removeVmDisk, resizeVmDisk } from '@/api/vmDisks';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

export type VmDiskChangeInput = { sizeMiB: number } & (
  { add: true; bus?: VmDiskBus; cache?: VmDiskCache } | { disk: string }
);

/** Runs a disk task whose end, either way, has the instance (its disk list) read again. */
function useDiskTask(id: string) {
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

/** Add or grow a VM disk, as a task. */
export function useVmDiskChange(id: string) {
  const task = useDiskTask(id);
  return useMutation({
    mutationFn: ({ change, cb }: { change: VmDiskChangeInput; cb?: TaskCallbacks }) =>
      task(
        () =>
          'add' in change
            ? addVmDisk(id, { sizeMiB: change.sizeMiB, bus: change.bus, cache: change.cache })
            : resizeVmDisk(id, change.disk, { sizeMiB: change.sizeMiB }),
        cb,
      ),
  });
}

/** A disk from an uploaded image: the upload reports its share, then the conversion runs as a task. */
export function useVmDiskImport(id: string) {
  const task = useDiskTask(id);
  return useMutation({
    mutationFn: ({
      file,
      format,
      onUploaded,
      cb,
    }: {
      file: File;
      format: ImportableDiskFormat | null;
      onUploaded: (fraction: number) => void;
      cb?: TaskCallbacks;
    }) => task(() => importVmDisk(id, file, format, onUploaded), cb),
  });
}

/** Removes a disk and its file, as a task. */
export function useVmDiskRemove(id: string) {
  const task = useDiskTask(id);
  return useMutation({ mutationFn: (disk: string) => task(() => removeVmDisk(id, disk)) });
}

/** Gives back the host room a disk no longer uses (the guest trims, or a stopped disk is rewritten). */
export function useVmDiskCompact(id: string) {
  const task = useDiskTask(id);
  return useMutation({ mutationFn: (disk: string) => task(() => compactVmDisk(id, disk)) });
}
