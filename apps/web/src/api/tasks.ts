import type { Task } from '@berth/contracts';
import { http } from './http';

export interface TaskFilter {
  instanceId?: string;
  limit?: number;
}

export const fetchTasks = (filter: TaskFilter = {}, signal?: AbortSignal) =>
  http<{ items: Task[] }>('/tasks', { query: { ...filter }, signal }).then((r) => r.items);

export const fetchTask = (id: string, signal?: AbortSignal) =>
  http<Task>(`/tasks/${encodeURIComponent(id)}`, { signal });
