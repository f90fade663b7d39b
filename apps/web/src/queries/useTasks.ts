import { useMemo } from 'react';
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import type { Task } from '@berth/contracts';
import {
  cancelTask,
  fetchTask,
  fetchTaskLog,
  fetchTaskPage,
  fetchTasks,
  type TaskFilter,
} from '@/api/tasks';
import { taskKeys } from './keys';

export function useTasks(filter: TaskFilter = {}) {
  return useQuery({
    queryKey: taskKeys.list(filter),
    queryFn: ({ signal }) => fetchTasks(filter, signal),
  });
}

/** Tasks page by page (server-side filters); each further page continues below the last. */
export function useTaskPages(filter: TaskFilter) {
  return useInfiniteQuery({
    queryKey: taskKeys.pages(filter),
    queryFn: ({ pageParam, signal }) => fetchTaskPage(filter, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTask(id: string | null) {
  return useQuery({
    queryKey: taskKeys.detail(id ?? ''),
    queryFn: ({ signal }) => fetchTask(id!, signal),
    enabled: !!id,
  });
}

/** A task's log, page after page in order (at most 1,000 lines a page). */
export function useTaskLog(id: string | null) {
  return useInfiniteQuery({
    queryKey: taskKeys.log(id ?? ''),
    queryFn: ({ pageParam, signal }) => fetchTaskLog(id!, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextAfter ?? undefined,
    enabled: !!id,
  });
}

/** Cancels a running task; its end arrives through the event stream like any other. */
export const useCancelTask = () => useMutation({ mutationFn: (id: string) => cancelTask(id) });

/** The recent tasks, one shared query (kept current by the event stream). */
export const RECENT_TASKS = { limit: 50 } as const;
export const useRecentTasks = () => useTasks(RECENT_TASKS);

/**
 * Running tasks by instance id: an instance with work in progress refuses more (409), so
 * its buttons say so instead.
 */
export function useActiveTaskByInstance(): Map<string, Task> {
  const { data } = useRecentTasks();
  return useMemo(() => {
    const m = new Map<string, Task>();
    for (const t of data ?? [])
      if (t.instanceId && (t.status === 'running' || t.status === 'queued') && !m.has(t.instanceId))
        m.set(t.instanceId, t);
    return m;
  }, [data]);
}
