import type { Task } from '@berth/contracts';
import { TaskItem } from './TaskItem';

/** Tasks as cards, newest first as given; `names` turns instance ids into names. */
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
      {tasks.map((t) => (
        <TaskItem
          key={t.id}
          task={t}
          showInstance={showInstance}
          instanceName={t.instanceId ? names?.get(t.instanceId) : undefined}
        />
      ))}
    </ul>
  );
}
