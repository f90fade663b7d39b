import type {
  PidOwner,
  ProcessList,
  ProcessSignal,
  ServiceAction,
  ServiceInfo,
  ServiceList,
} from '@berth/contracts';
import { http } from './http';

const instance = (id: string) => `/instances/${encodeURIComponent(id)}`;
const service = (id: string, name: string) =>
  `${instance(id)}/services/${encodeURIComponent(name)}`;

export const fetchProcesses = (id: string, signal?: AbortSignal) =>
  http<ProcessList>(`${instance(id)}/processes`, { signal });
export const signalProcess = (id: string, pid: number, sig: ProcessSignal) =>
  http<void>(`${instance(id)}/processes/${pid}/signal`, { method: 'POST', body: { signal: sig } });
export const fetchPidOwner = (hostId: string, pid: number, signal?: AbortSignal) =>
  http<PidOwner>(`/hosts/${encodeURIComponent(hostId)}/pids/${pid}/owner`, { signal });

export const fetchServices = (id: string, signal?: AbortSignal) =>
  http<ServiceList>(`${instance(id)}/services`, { signal });
export const serviceAction = (id: string, name: string, action: ServiceAction) =>
  http<ServiceInfo>(`${service(id, name)}/actions/${action}`, { method: 'POST' });
export const setServiceBoot = (id: string, name: string, enabled: boolean) =>
  http<ServiceInfo>(`${service(id, name)}/boot`, { method: 'PUT', body: { enabled } });
