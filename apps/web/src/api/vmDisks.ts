import type {
  AddVmDiskRequest,
  ImportableDiskFormat,
  ResizeVmDiskRequest,
  TaskAccepted,
} from '@berth/contracts';
import { http } from './http';
import { uploadRaw } from './upload';

const base = (id: string) => `/instances/${encodeURIComponent(id)}/disks`;

export const addVmDisk = (id: string, body: AddVmDiskRequest) =>
  http<TaskAccepted>(base(id), { method: 'POST', body });
export const removeVmDisk = (id: string, disk: string) =>
  http<TaskAccepted>(`${base(id)}/${encodeURIComponent(disk)}`, { method: 'DELETE' });
export const compactVmDisk = (id: string, disk: string) =>
  http<TaskAccepted>(`${base(id)}/${encodeURIComponent(disk)}/compact`, { method: 'POST' });
export const resizeVmDisk = (id: string, disk: string, body: ResizeVmDiskRequest) =>
  http<TaskAccepted>(`${base(id)}/${encodeURIComponent(disk)}`, { method: 'PATCH', body });
/** The image is uploaded first (progress as it goes); the conversion is the task that follows. */
export const importVmDisk = (
  id: string,
  file: Blob,
  format: ImportableDiskFormat | null,
  onProgress: (fraction: number) => void,
) =>
  uploadRaw<TaskAccepted>(
    `${base(id)}/import${format ? `?format=${format}` : ''}`,
    file,
    onProgress,
  );
