import type {
  CreateInstance,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  TaskAccepted,
  UpdateInstance,
} from '@berth/contracts';
import type { z } from 'zod';
import { http, url } from './http';

const path = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const fetchInstances = (signal?: AbortSignal) =>
  http<{ items: Instance[] }>('/instances', { signal }).then((r) => r.items);

export const fetchInstance = (id: string, signal?: AbortSignal) =>
  http<Instance>(path(id), { signal });

export const createInstance = (body: CreateInstance, hostId?: string) =>
  http<TaskAccepted>('/instances', { method: 'POST', body, query: { hostId } });

export const updateInstance = (id: string, body: UpdateInstance) =>
  http<Instance>(path(id), { method: 'PATCH', body });

export const actOnInstance = (id: string, action: InstanceAction, body?: { force?: boolean }) =>
  http<TaskAccepted>(`${path(id)}/actions/${action}`, { method: 'POST', body: body ?? {} });

export const startInstance = (id: string) => actOnInstance(id, 'start');
export const stopInstance = (id: string, force = false) => actOnInstance(id, 'stop', { force });

/** Gives a stopped privileged container its own id range (a task). */
export const unprivilegeInstance = (id: string) =>
  http<TaskAccepted>(`${path(id)}/unprivilege`, { method: 'POST' });

export const deleteInstance = (id: string, force: boolean) =>
  http<TaskAccepted>(path(id), { method: 'DELETE', query: { force } });

export const execInInstance = (id: string, body: z.input<typeof ExecRequest>) =>
  http<ExecResult>(`${path(id)}/exec`, { method: 'POST', body });

/** An image URL; `nonce` busts the browser cache so "refresh" takes a new one. */
export const instanceScreenshotUrl = (id: string, nonce: number) =>
  url(`${path(id)}/screenshot`, { t: nonce });
