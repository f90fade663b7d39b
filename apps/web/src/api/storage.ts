import type { CloneRequest, CreatePool, Pool, TaskAccepted } from '@berth/contracts';
import { http } from './http';

const one = (name: string) => `/pools/${encodeURIComponent(name)}`;

export const fetchPools = (signal?: AbortSignal) =>
  http<{ items: Pool[] }>('/pools', { signal }).then((r) => r.items);

export const createPool = (body: CreatePool) => http<Pool>('/pools', { method: 'POST', body });

export const setDefaultPool = (name: string) =>
  http<Pool>(`${one(name)}/default`, { method: 'PUT' });

export const deletePool = (name: string) => http<void>(one(name), { method: 'DELETE' });

export const cloneInstance = (id: string, body: CloneRequest) =>
  http<TaskAccepted>(`/instances/${encodeURIComponent(id)}/clone`, { method: 'POST', body });
