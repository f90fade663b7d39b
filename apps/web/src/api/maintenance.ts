import type {
  DisableRequest,
  Instance,
  ReinstallRequestInput,
  RenameRequest,
  TaskAccepted,
} from '@berth/contracts';
import { http } from './http';

const path = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const renameInstance = (id: string, body: RenameRequest) =>
  http<Instance>(`${path(id)}/rename`, { method: 'POST', body });

export const setInstanceDisabled = (id: string, body: DisableRequest) =>
  http<Instance>(`${path(id)}/disabled`, { method: 'PUT', body });

/** A new root filesystem from the container's template (a task). */
export const reinstallInstance = (id: string, body: ReinstallRequestInput) =>
  http<TaskAccepted>(`${path(id)}/reinstall`, { method: 'POST', body });
