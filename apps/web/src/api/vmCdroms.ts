import type {
  AddCdDriveRequest,
  CdMediaRequest,
  TaskAccepted,
  VmDiskSettingsRequest,
  VmDriveChange,
} from '@berth/contracts';
import { http } from './http';

const base = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const setVmDiskSettings = (id: string, disk: string, body: VmDiskSettingsRequest) =>
  http<TaskAccepted>(`${base(id)}/disks/${encodeURIComponent(disk)}/settings`, {
    method: 'PUT',
    body,
  });
export const addCdDrive = (id: string, body: AddCdDriveRequest) =>
  http<TaskAccepted>(`${base(id)}/cd-drives`, { method: 'POST', body });
export const removeCdDrive = (id: string, drive: number) =>
  http<TaskAccepted>(`${base(id)}/cd-drives/${drive}`, { method: 'DELETE' });
export const setCdMedia = (id: string, drive: number, body: CdMediaRequest) =>
  http<VmDriveChange>(`${base(id)}/cd-drives/${drive}`, { method: 'PUT', body });
