import type {
  Recording,
  RecordingFrame,
  RecordingPolicy,
  RecordingSetting,
  RecordingSettings,
} from '@berth/contracts';
import { ApiError, errorFrom, http, url } from './http';

export interface RecordingFilter {
  instanceId?: string;
  userId?: string;
  auditId?: string;
  limit?: number;
}

const recordingPath = (id: string) => `/recordings/${encodeURIComponent(id)}`;

export const fetchRecordings = (filter: RecordingFilter = {}, signal?: AbortSignal) =>
  http<{ items: Recording[] }>('/recordings', { query: { ...filter }, signal }).then(
    (r) => r.items,
  );

export const fetchRecording = (id: string, signal?: AbortSignal) =>
  http<Recording>(recordingPath(id), { signal });

/** The asciicast file of a shell or serial recording, as text (JSON lines, not one JSON body). */
export async function fetchCast(id: string, signal?: AbortSignal): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url(`${recordingPath(id)}/cast`), { credentials: 'same-origin', signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'the server cannot be reached');
  }
  if (!res.ok) throw errorFrom(res.status, await res.text());
  return res.text();
}

export const fetchFrames = (id: string, signal?: AbortSignal) =>
  http<{ items: RecordingFrame[] }>(`${recordingPath(id)}/frames`, { signal }).then((r) => r.items);

/** One frame of a VNC recording, for an <img>: same origin, so the session cookie goes with it. */
export const frameUrl = (id: string, n: number) => url(`${recordingPath(id)}/frames/${n}`);

export const castUrl = (id: string) => url(`${recordingPath(id)}/cast`);

export const deleteRecording = (id: string) => http<void>(recordingPath(id), { method: 'DELETE' });

export const fetchRecordingPolicies = (signal?: AbortSignal) =>
  http<{ items: RecordingPolicy[] }>('/recording-policies', { signal }).then((r) => r.items);

export const setInstanceRecording = (instanceId: string, enabled: boolean) =>
  http<RecordingSetting>(`/recording-policies/instances/${encodeURIComponent(instanceId)}`, {
    method: 'PUT',
    body: { enabled },
  });

export const setRoleRecording = (role: string, enabled: boolean) =>
  http<RecordingSetting>(`/recording-policies/roles/${encodeURIComponent(role)}`, {
    method: 'PUT',
    body: { enabled },
  });

export const fetchRecordingSettings = (signal?: AbortSignal) =>
  http<RecordingSettings>('/recording-settings', { signal });

export const saveRecordingSettings = (settings: RecordingSettings) =>
  http<RecordingSettings>('/recording-settings', { method: 'PUT', body: settings });
