import type {
  ContainerUpdates,
  ContainerUpdatesStarted,
  HostUpdates,
  TaskAccepted,
  TemplatePackages,
} from '@berth/contracts';
import { http } from './http';

const host = (hostId: string) => `/hosts/${encodeURIComponent(hostId)}/updates`;
const instance = (id: string) => `/instances/${encodeURIComponent(id)}/updates`;

export const fetchHostUpdates = (hostId: string, refresh: boolean, signal?: AbortSignal) =>
  http<HostUpdates>(host(hostId), { query: { refresh: refresh || undefined }, signal });

export const applyHostUpdates = (hostId: string, simulate: boolean) =>
  http<TaskAccepted>(`${host(hostId)}/apply`, { method: 'POST', body: { simulate } });

export const fetchContainerUpdates = (id: string) => http<ContainerUpdates>(instance(id));

export const applyContainerUpdates = (id: string) =>
  http<TaskAccepted>(`${instance(id)}/apply`, { method: 'POST' });

export const applyTaggedContainerUpdates = (tag: string) =>
  http<ContainerUpdatesStarted>('/updates/containers', { method: 'POST', body: { tag } });

export const fetchTemplatePackages = (name: string, hostId: string) =>
  http<TemplatePackages>(`/templates/${encodeURIComponent(name)}/packages`, { query: { hostId } });
