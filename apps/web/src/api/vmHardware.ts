import type { VmHardwareChange, VmHardwareChoices, VmHardwareRequest } from '@berth/contracts';
import { http } from './http';

const url = (id: string) => `/instances/${encodeURIComponent(id)}/hardware`;

export const fetchVmHardwareChoices = (id: string, signal?: AbortSignal) =>
  http<VmHardwareChoices>(url(id), { signal });
export const setVmHardware = (id: string, body: VmHardwareRequest) =>
  http<VmHardwareChange>(url(id), { method: 'PUT', body });
