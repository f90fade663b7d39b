import type { CreateUser, Grant, User } from '@berth/contracts';
import { http } from './http';

const one = (id: string) => `/users/${encodeURIComponent(id)}`;

export const fetchUsers = (signal?: AbortSignal) =>
  http<{ items: User[] }>('/users', { signal }).then((r) => r.items);
export const createUser = (spec: CreateUser) =>
  http<User>('/users', { method: 'POST', body: spec });
export const setUserDisabled = (id: string, disabled: boolean) =>
  http<User>(one(id), { method: 'PATCH', body: { disabled } });
export const deleteUser = (id: string) => http<void>(one(id), { method: 'DELETE' });
export const resetPassword = (id: string, password: string) =>
  http<void>(`${one(id)}/password`, { method: 'POST', body: { password } });
export const setGrants = (id: string, grants: Grant[]) =>
  http<User>(`${one(id)}/grants`, { method: 'PUT', body: { grants } });
