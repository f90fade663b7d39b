import Link from 'next/link';
import type { Task } from '@berth/contracts';
import { formatRelative, taskTitle } from '@/lib/format';
import { taskHref, taskSummary } from '@/lib/taskSummary';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { TaskStatusBadge } from '@/components/ui/StateBadge';
import { CancelTask } from './CancelTask';

/**
 * One task as a list item: what, on what, how far, and how it ended (its outcome, not its last
 * step). `count` > 1: this many like it in a row, folded into this one.
 */
export function TaskItem({
  task,
  instanceName,
  showInstance = true,
  count = 1,
}: {
  task: Task;
  instanceName?: string;
  showInstance?: boolean;
  count?: number;
}) {
  const running = task.status === 'running' || task.status === 'queued';
  const title = taskTitle(task.kind);
  return (
    <li
      className="flex flex-col gap-1 px-4 py-2"
      data-task-id={task.id}
      aria-label={`${title}: ${task.status}${count > 1 ? `, ${count} times` : ''}`}
    >
      <div className="flex flex-wrap items-center gap-2">
        <Link prefetch={false} className="link-plain font-medium" href={taskHref(task.id)}>
          {title}
        </Link>
        {showInstance && task.instanceId && task.kind.startsWith('instance.') && (
          <Link
            prefetch={false}
            className="link-plain text-sm"
            href={`/instances/view/?id=${task.instanceId}`}
          >
            {instanceName ?? task.instanceId.slice(0, 8)}
          </Link>
        )}
        {task.instanceId && !task.kind.startsWith('instance.') && (
          <span className="text-sm text-muted">{task.instanceId}</span>
        )}
        <TaskStatusBadge status={task.status} />
        {count > 1 && (
          <span
            className="rounded-full bg-slate-200 px-2 text-xs font-semibold tabular-nums text-slate-800 dark:bg-slate-700 dark:text-slate-100"
            title={`${count} tasks like this in a row; the newest is shown`}
          >
            ×{count}
          </span>
        )}
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
          <CancelTask task={task} />
        </div>
      )}
      <p
        className={`text-sm break-words ${
          task.status === 'failed' ? 'text-red-700 dark:text-red-300' : 'text-muted'
        }`}
      >
        {taskSummary(task)}
      </p>
    </li>
  );
}
