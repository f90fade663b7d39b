import type {
  AddVmPortRequest,
  AddVmUsbRequest,
  TaskAccepted,
  VmDeviceChange,
  VmDevices,
} from '@berth/contracts';
import { http, url } from './http';
import { uploadRaw } from './upload';

const base = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const fetchVmDevices = (id: string, signal?: AbortSignal) =>
  http<VmDevices>(`${base(id)}/devices`, { signal });
export const addVmPort = (id: string, body: AddVmPortRequest) =>
  http<VmDeviceChange>(`${base(id)}/ports`, { method: 'POST', body });
export const removeVmPort = (id: string, port: string) =>
  http<VmDeviceChange>(`${base(id)}/ports/${encodeURIComponent(port)}`, { method: 'DELETE' });
/** A file port's log, as a link the browser downloads (same-origin cookie). */
export const vmPortLogUrl = (id: string, port: string) =>
  url(`${base(id)}/ports/${encodeURIComponent(port)}/log`);
export const addVmUsb = (id: string, body: AddVmUsbRequest) =>
  http<TaskAccepted>(`${base(id)}/usb`, { method: 'POST', body });
export const removeVmUsb = (id: string, device: string) =>
  http<TaskAccepted>(`${base(id)}/usb/${encodeURIComponent(device)}`, { method: 'DELETE' });
export const addVmUsbStorage = (
  id: string,
  file: Blob,
  raw: boolean,
  onProgress: (fraction: number) => void,
) =>
  uploadRaw<TaskAccepted>(`${base(id)}/usb/storage${raw ? '?format=raw' : ''}`, file, onProgress);
