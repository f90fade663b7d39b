import type {
  AddVmNicRequest,
  InstanceNics,
  SetCtAdapterRequest,
  SetNicLinkRequest,
  TaskAccepted,
} from '@berth/contracts';
import { http } from './http';

const base = (id: string) => `/instances/${encodeURIComponent(id)}/nics`;

export const fetchNics = (id: string, signal?: AbortSignal) =>
  http<InstanceNics>(base(id), { signal });
export const addNic = (id: string, body: AddVmNicRequest) =>
  http<TaskAccepted>(base(id), { method: 'POST', body });
export const removeNic = (id: string, nic: number) =>
  http<TaskAccepted>(`${base(id)}/${nic}`, { method: 'DELETE' });
export const setNicLink = (id: string, nic: number, body: SetNicLinkRequest) =>
  http<InstanceNics>(`${base(id)}/${nic}`, { method: 'PATCH', body });
export const setNicSettings = (id: string, nic: number, body: SetCtAdapterRequest) =>
  http<TaskAccepted>(`${base(id)}/${nic}/settings`, { method: 'PATCH', body });
