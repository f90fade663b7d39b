import type { AddVmDiskRequest, ResizeVmDiskRequest, TaskAccepted } from '@berth/contracts';
import { http } from './http';

const base = (id: string) => `/instances/${encodeURIComponent(id)}/disks`;

export const addVmDisk = (id: string, body: AddVmDiskRequest) =>
  http<TaskAccepted>(base(id), { method: 'POST', body });
export const resizeVmDisk = (id: string, disk: string, body: ResizeVmDiskRequest) =>
  http<TaskAccepted>(`${base(id)}/${encodeURIComponent(disk)}`, { method: 'PATCH', body });
