'use client';
import { useState } from 'react';
import type { Task } from '@berth/contracts';
import { useInstances } from '@/queries/useInstances';
import { useTasks } from '@/queries/useTasks';
import { TaskList } from '@/components/tasks/TaskList';
import { QueryView } from '@/components/ui/DataTable';
import { PageHeader } from '@/components/ui/States';

const FILTERS = [
  ['all', 'All'],
  ['active', 'Running'],
  ['failed', 'Failed'],
  ['succeeded', 'Succeeded'],
] as const;
type Filter = (typeof FILTERS)[number][0];

const shows = (filter: Filter) => (t: Task) =>
  filter === 'all'
    ? true
    : filter === 'active'
      ? t.status === 'running' || t.status === 'queued'
      : t.status === filter;

export default function TasksPage() {
  const tasks = useTasks({ limit: 200 });
  const instances = useInstances();
  const [filter, setFilter] = useState<Filter>('all');
  const names = new Map(instances.data?.map((i) => [i.id, i.name]));

  return (
    <>
      <PageHeader
        title="Tasks"
        description="Every change is a task: its progress while it runs, then its result or error."
      />
      <div role="group" aria-label="Show tasks" className="mb-4 flex flex-wrap gap-1">
        {FILTERS.map(([v, label]) => (
          <button
            key={v}
            type="button"
            aria-pressed={filter === v}
            onClick={() => setFilter(v)}
            className={`rounded-full border px-3 py-1 text-sm ${
              filter === v
                ? 'border-sky-700 bg-sky-700 text-white'
                : 'border-line hover:bg-slate-100 dark:hover:bg-slate-800'
            }`}
          >
            {label}
          </button>
        ))}
      </div>
      <QueryView
        query={tasks}
        select={(all) => all.filter(shows(filter))}
        loadingLabel="Loading tasks…"
        empty={filter === 'all' ? 'No tasks yet' : 'No tasks like that'}
      >
        {(shown) => <TaskList tasks={shown} names={names} label="Tasks" />}
      </QueryView>
    </>
  );
}
