import type { Task } from '@berth/contracts';
import { collapseTasks } from '@/lib/taskSummary';
import { TaskItem } from './TaskItem';

/**
 * Tasks as cards, newest first as given; `names` turns instance ids into names. Repeats in a row
 * (same kind, target and outcome) read as one row with a count.
 */
export function TaskList({
  tasks,
  names,
  label,
  showInstance,
}: {
  tasks: Task[];
  names?: Map<string, string>;
  label?: string;
  showInstance?: boolean;
}) {
  return (
    <ul className="card divide-y divide-line" aria-label={label}>
      {collapseTasks(tasks).map(({ task: t, count }) => (
        <TaskItem
          key={t.id}
          task={t}
          count={count}
          showInstance={showInstance}
          instanceName={t.instanceId ? names?.get(t.instanceId) : undefined}
        />
      ))}
    </ul>
  );
}
