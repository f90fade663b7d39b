import Link from 'next/link';
import type { Task } from '@berth/contracts';
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
  const title = taskTitle(task.kind);
  return (
    <li
      className="flex flex-col gap-1.5 px-4 py-3"
      data-task-id={task.id}
      aria-label={`${title}: ${task.status}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{title}</span>
        {showInstance && task.instanceId && task.kind.startsWith('instance.') && (
          <Link className="link-plain text-sm" href={`/instances/view/?id=${task.instanceId}`}>
            {instanceName ?? task.instanceId.slice(0, 8)}
          </Link>
        )}
        {task.instanceId && !task.kind.startsWith('instance.') && (
          <span className="text-sm text-muted">{task.instanceId}</span>
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
          <ProgressBar value={task.progress} label={`${title} progress`} className="max-w-md" />
          <span className="text-xs text-muted tabular-nums">{task.progress}%</span>
        </div>
      )}
      {task.message && !task.error && <p className="text-sm text-muted">{task.message}</p>}
      {task.error && (
        <p className="text-sm break-words text-red-700 dark:text-red-300">
          <span className="font-medium">{task.error.code}:</span> {task.error.message}
        </p>
      )}
      {task.status === 'succeeded' && task.result != null && typeof task.result !== 'object' && (
        <p className="text-sm text-muted">Result: {String(task.result)}</p>
      )}
    </li>
  );
}
