import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AddCdDriveRequest, CdMediaRequest, VmDiskSettingsRequest } from '@berth/contracts';
import { addCdDrive, removeCdDrive, setCdMedia, setVmDiskSettings } from '@/api/vmCdroms';
import { runTask } from '@/events/taskWatchers';
import { instanceKeys } from './keys';

/** Runs a drive or disk-setting task; its end, either way, has the instance read again. */
function useDriveTask(id: string) {
  const qc = useQueryClient();
  const refetch = () => void qc.invalidateQueries({ queryKey: instanceKeys.detail(id) });
  return (start: Parameters<typeof runTask>[0]) =>
    runTask(start, { onSuccess: refetch, onFailure: refetch });
}

/** A disk's bus and cache mode, taken at the next start. */
export function useVmDiskSettings(id: string) {
  const task = useDriveTask(id);
  return useMutation({
    mutationFn: ({ disk, body }: { disk: string; body: VmDiskSettingsRequest }) =>
      task(() => setVmDiskSettings(id, disk, body)),
  });
}

export function useAddCdDrive(id: string) {
  const task = useDriveTask(id);
  return useMutation({
    mutationFn: (body: AddCdDriveRequest) => task(() => addCdDrive(id, body)),
  });
}

export function useRemoveCdDrive(id: string) {
  const task = useDriveTask(id);
  return useMutation({ mutationFn: (drive: number) => task(() => removeCdDrive(id, drive)) });
}

/** An ISO in or out: the answer carries the instance with its drives. */
export function useCdMedia(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ drive, body }: { drive: number; body: CdMediaRequest }) =>
      setCdMedia(id, drive, body),
    onSuccess: (change) => qc.setQueryData(instanceKeys.detail(id), change.instance),
  });
}
