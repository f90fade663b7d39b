import type { InfiniteData, QueryClient, QueryKey } from '@tanstack/react-query';
import type { ApiEvent, Instance, Task, TaskList } from '@berth/contracts';
// Relative, not '@/': its unit test runs under tsx from the repo root, which knows no web alias.
import type { TaskFilter } from '../api/tasks';
import {
  alertKeys,
  hostKeys,
  instanceKeys,
  isoKeys,
  taskKeys,
  templateKeys,
} from '../queries/keys';
import { isFinished } from './taskWatchers';

const settled = (s: Instance['state']) => s !== 'starting' && s !== 'stopping';

function patchInstance(qc: QueryClient, id: string, patch: (i: Instance) => Instance) {
  qc.setQueryData<Instance[]>(instanceKeys.list(), (old) =>
    old?.map((i) => (i.id === id ? patch(i) : i)),
  );
  qc.setQueryData<Instance>(instanceKeys.detail(id), (old) => (old ? patch(old) : old));
}

function upsertTask(list: Task[] | undefined, task: Task, filter: TaskFilter): Task[] | undefined {
  if (!list) return list;
  if (filter.instanceId && task.instanceId !== filter.instanceId) return list;
  const at = list.findIndex((t) => t.id === task.id);
  if (at >= 0) return list.map((t, i) => (i === at ? task : t));
  const next = [task, ...list];
  return filter.limit ? next.slice(0, filter.limit) : next;
}

/**
 * The tasks page's paged search: a task it shows is replaced in place. One it does not show may
 * match its filters once it begins or ends (only the server judges the filters), so the search is
 * fetched again then; not on every progress step.
 */
function updateTaskPages(qc: QueryClient, task: Task) {
  for (const [key, data] of qc.getQueriesData<InfiniteData<TaskList>>({
    queryKey: [...taskKeys.all, 'pages'],
  })) {
    if (!data) continue;
    const shown = data.pages.some((p) => p.items.some((t) => t.id === task.id));
    if (!shown) {
      if (isFinished(task) || task.progress === 0)
        void qc.invalidateQueries({ queryKey: key, exact: true });
    } else
      qc.setQueryData<InfiniteData<TaskList>>(key, {
        ...data,
        pages: data.pages.map((p) => ({
          ...p,
          items: p.items.map((t) => (t.id === task.id ? task : t)),
        })),
      });
  }
}

/**
 * Writes an event into a cached query, unless that query is being fetched right now: its answer
 * may have been read before the event happened and would land over it (a task seen running
 * forever). Such a query is fetched again instead, dropping the answer in flight.
 */
function writeOrRefetch<T>(
  qc: QueryClient,
  key: QueryKey,
  write: (old: T | undefined) => T | undefined,
) {
  if (qc.getQueryState(key)?.fetchStatus === 'fetching') {
    // Cancelled first: a query that has no data yet would otherwise just wait for the old answer.
    void qc
      .cancelQueries({ queryKey: key, exact: true })
      .then(() => qc.invalidateQueries({ queryKey: key, exact: true }));
  } else {
    qc.setQueryData<T>(key, write);
  }
}

/** Coalesces list refreshes: a bulk start of 20 instances asks for the list once. */
const timers = new WeakMap<QueryClient, ReturnType<typeof setTimeout>>();
function scheduleListRefresh(qc: QueryClient) {
  if (timers.has(qc)) return;
  timers.set(
    qc,
    setTimeout(() => {
      timers.delete(qc);
      void qc.invalidateQueries({ queryKey: instanceKeys.list() });
    }, 400),
  );
}

/**
 * Applies one server event to the react-query cache: direct writes where the event
 * carries the data (state, instance, task), invalidation where it only says "changed".
 */
export function applyEvent(qc: QueryClient, event: ApiEvent): void {
  switch (event.type) {
    case 'instance.state': {
      patchInstance(qc, event.instanceId, (i) => ({
        ...i,
        state: event.state,
        uptimeSeconds: event.state === 'running' ? i.uptimeSeconds : null,
      }));
      // IPs and uptime change with the state but are not in the event: ask once it settles.
      if (settled(event.state)) {
        void qc.invalidateQueries({ queryKey: instanceKeys.detail(event.instanceId) });
        scheduleListRefresh(qc);
      }
      break;
    }
    case 'instance.updated': {
      const inst = event.instance;
      qc.setQueryData<Instance[]>(instanceKeys.list(), (old) => {
        if (!old) return old;
        return old.some((i) => i.id === inst.id)
          ? old.map((i) => (i.id === inst.id ? inst : i))
          : [...old, inst];
      });
      qc.setQueryData(instanceKeys.detail(inst.id), inst);
      break;
    }
    case 'instance.deleted': {
      qc.setQueryData<Instance[]>(instanceKeys.list(), (old) =>
        old?.filter((i) => i.id !== event.instanceId),
      );
      // An open instance page refetches and says the instance is gone.
      void qc.invalidateQueries({ queryKey: instanceKeys.detail(event.instanceId) });
      break;
    }
    case 'task': {
      const task = event.task;
      // Over what GET /tasks/{id} answered: the event's task lacks the starter's name (startedBy).
      writeOrRefetch<Task>(qc, taskKeys.detail(task.id), (old) => ({ ...old, ...task }));
      for (const [key] of qc.getQueriesData<Task[]>({ queryKey: taskKeys.lists() })) {
        const filter = ((key as QueryKey)[2] ?? {}) as TaskFilter;
        writeOrRefetch<Task[]>(qc, key, (old) => upsertTask(old, task, filter));
      }
      updateTaskPages(qc, task);
      if (task.kind === 'template.build') {
        // "building" flips at the start and at the end; the ISO of a VM template lands at the end.
        if (isFinished(task) || task.progress === 0)
          void qc.invalidateQueries({ queryKey: templateKeys.all });
        if (task.status === 'succeeded') void qc.invalidateQueries({ queryKey: isoKeys.all });
      }
      if (
        isFinished(task) &&
        (task.kind === 'instance.create' || task.kind === 'instance.delete')
      ) {
        void qc.invalidateQueries({ queryKey: hostKeys.all });
        scheduleListRefresh(qc);
      }
      break;
    }
    case 'host.status':
      void qc.invalidateQueries({ queryKey: hostKeys.all });
      break;
    case 'alert':
      void qc.invalidateQueries({ queryKey: alertKeys.all });
      break;
  }
}
