'use client';
import { useState } from 'react';
import type { TaskFilter } from '@/api/tasks';
import { useMe } from '@/queries/useAuth';
import { useInstances } from '@/queries/useInstances';
import { useTaskPages } from '@/queries/useTasks';
import { TaskFilters } from '@/components/tasks/TaskFilters';
import { TaskList } from '@/components/tasks/TaskList';
import { Button } from '@/components/ui/Button';
import { QueryView } from '@/components/ui/DataTable';
import { PageHeader } from '@/components/ui/States';

const PAGE = 100;

export default function TasksPage() {
  const [filter, setFilter] = useState<TaskFilter>({});
  const tasks = useTaskPages({ ...filter, limit: PAGE });
  const instances = useInstances();
  const me = useMe().data;
  const names = new Map(instances.data?.map((i) => [i.id, i.name]));
  const rows = tasks.data?.pages.flatMap((p) => p.items);
  const filtered = Object.values(filter).some(Boolean);

  return (
    <>
      <PageHeader
        title="Tasks"
        description="Every change is a task: its progress while it runs, then how it ended."
      />
      <TaskFilters instances={instances.data ?? []} me={me?.username} onApply={setFilter} />
      <QueryView
        query={{ ...tasks, data: rows }}
        loadingLabel="Loading tasks…"
        empty={filtered ? 'No tasks like that' : 'No tasks yet'}
      >
        {(shown) => (
          <>
            <TaskList tasks={shown} names={names} label="Tasks" />
            <div className="mt-3 flex items-center gap-3 text-sm text-muted">
              <span>
                {shown.length.toLocaleString()} tasks{tasks.hasNextPage ? ', more below' : ''}
              </span>
              {tasks.hasNextPage && (
                <Button
                  size="sm"
                  busy={tasks.isFetchingNextPage}
                  onClick={() => void tasks.fetchNextPage()}
                >
                  Load {PAGE} more
                </Button>
              )}
            </div>
          </>
        )}
      </QueryView>
    </>
  );
}
