import type { CreateRole, RoleInfo } from '@berth/contracts';
import { http } from './http';

const one = (id: string) => `/roles/${encodeURIComponent(id)}`;

export const fetchRoles = (signal?: AbortSignal) =>
  http<{ items: RoleInfo[] }>('/roles', { signal }).then((r) => r.items);
export const createRole = (spec: CreateRole) =>
  http<RoleInfo>('/roles', { method: 'POST', body: spec });
export const updateRole = (id: string, patch: Partial<CreateRole>) =>
  http<RoleInfo>(one(id), { method: 'PATCH', body: patch });
export const deleteRole = (id: string) => http<void>(one(id), { method: 'DELETE' });
