import type { TaskAccepted, Template } from '@berth/contracts';
import { API, http } from './http';
import { uploadRaw } from './upload';

export type HostTemplate = Template & { hostId: string };

export const fetchTemplates = (signal?: AbortSignal) =>
  http<{ items: HostTemplate[] }>('/templates', { signal }).then((r) => r.items);

export const buildTemplate = (name: Template['name'], rebuild: boolean) =>
  http<TaskAccepted>(`/templates/${encodeURIComponent(name)}/build`, {
    method: 'POST',
    body: { rebuild },
  });

/** Where a container template downloads as one file (the browser follows it with the cookie). */
export const templateExportUrl = (name: string) =>
  `${API}/templates/${encodeURIComponent(name)}/export`;

/** A container template from an exported file, as the raw body, with upload progress. */
export const importTemplate = (
  name: string,
  file: Blob,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
) =>
  uploadRaw<HostTemplate>(
    `/templates/import?name=${encodeURIComponent(name)}`,
    file,
    onProgress,
    signal,
    'POST',
  );
