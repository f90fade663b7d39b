import type { TaskAccepted, Template } from '@berth/contracts';
import { http } from './http';

export type HostTemplate = Template & { hostId: string };

export const fetchTemplates = (signal?: AbortSignal) =>
  http<{ items: HostTemplate[] }>('/templates', { signal }).then((r) => r.items);

export const buildTemplate = (name: Template['name'], rebuild: boolean) =>
  http<TaskAccepted>(`/templates/${encodeURIComponent(name)}/build`, {
    method: 'POST',
    body: { rebuild },
  });
