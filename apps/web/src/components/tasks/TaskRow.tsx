import type { Task } from '@berth/contracts';
import Link from 'next/link';
import { formatRelative, taskTitle } from '@/lib/format';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { TaskStatusBadge } from '@/components/ui/StateBadge';

/** One task as a list item: what, on what, how far, and how it ended. */
export function TaskItem({
  task,
  instanceName,
  showInstance = true,
}: {
  task: Task;
  instanceName?: string;
  showInstance?: boolean;
}) {
  const running = task.status === 'running' || task.status === 'queued';
  return (
    <li className="flex flex-col gap-1.5 px-4 py-3" data-task-id={task.id}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{taskTitle(task.kind)}</span>
        {showInstance && task.instanceId && (
          <Link
            className="text-sm text-sky-700 underline-offset-2 hover:underline dark:text-sky-300"
            href={`/instances/view/?id=${task.instanceId}`}
          >
            {instanceName ?? task.instanceId.slice(0, 8)}
          </Link>
        )}
        <TaskStatusBadge status={task.status} />
        <span
          className="ml-auto text-xs text-muted"
          title={new Date(task.createdAt).toLocaleString()}
        >
          {formatRelative(task.createdAt)}
        </span>
      </div>
      {running && (
        <div className="flex items-center gap-2">
          <ProgressBar
            value={task.progress}
            label={`${taskTitle(task.kind)} progress`}
            className="max-w-md"
          />
          <span className="text-xs tabular-nums text-muted">{task.progress}%</span>
        </div>
      )}
      {task.message && !task.error && <p className="text-sm text-muted">{task.message}</p>}
      {task.error && (
        <p className="text-sm text-red-700 dark:text-red-300">
          <span className="font-medium">{task.error.code}:</span> {task.error.message}
        </p>
      )}
    </li>
  );
}
