import type {
  ConvertToTemplateInput,
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

/** A stopped VM becomes a template (a task); the VM goes. */
export const convertToTemplate = (id: string, body: ConvertToTemplateInput) =>
  http<TaskAccepted>(`${path(id)}/template`, { method: 'POST', body });

/** Deletes a template made from a VM. */
export const deleteTemplate = (name: string) =>
  http<void>(`/templates/${encodeURIComponent(name)}`, { method: 'DELETE' });
