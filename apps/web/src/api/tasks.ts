import type { TaskAccepted, TaskDetail, TaskList, TaskLog } from '@berth/contracts';
import { http, url } from './http';

/** GET /tasks's filters (TaskQuery in the contracts), as the page sends them. */
export interface TaskFilter {
  instanceId?: string;
  user?: string;
  kind?: string;
  outcome?: 'active' | 'succeeded' | 'failed';
  from?: string;
  to?: string;
  q?: string;
  limit?: number;
}

export const fetchTaskPage = (filter: TaskFilter, cursor?: string, signal?: AbortSignal) =>
  http<TaskList>('/tasks', { query: { ...filter, cursor }, signal });

export const fetchTasks = (filter: TaskFilter = {}, signal?: AbortSignal) =>
  fetchTaskPage(filter, undefined, signal).then((r) => r.items);

export const fetchTask = (id: string, signal?: AbortSignal) =>
  http<TaskDetail>(`/tasks/${encodeURIComponent(id)}`, { signal });

export const fetchTaskLog = (id: string, after?: number, signal?: AbortSignal) =>
  http<TaskLog>(`/tasks/${encodeURIComponent(id)}/log`, { query: { after, limit: 1000 }, signal });

/** Where the browser downloads the task's whole log as a text file (the cookie goes with it). */
export const taskLogDownloadUrl = (id: string) =>
  url(`/tasks/${encodeURIComponent(id)}/log/download`);

/** Asks a running create or template build to stop and roll back; it then ends as cancelled. */
export const cancelTask = (id: string) =>
  http<TaskAccepted>(`/tasks/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
