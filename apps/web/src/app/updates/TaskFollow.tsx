'use client';
import Link from 'next/link';
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { TaskLogView } from '@/components/tasks/TaskLog';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { taskKeys } from '@/queries/keys';
import { useTask, useTaskLog } from '@/queries/useTasks';

/** A started update: its progress bar, its error when it failed, and its log as it grows. */
export function TaskFollow({ taskId, label }: { taskId: string; label: string }) {
  const task = useTask(taskId);
  const log = useTaskLog(taskId);
  const qc = useQueryClient();
  const { status, progress, message } = task.data ?? {};
  useEffect(() => {
    if (status) void qc.invalidateQueries({ queryKey: taskKeys.log(taskId) });
  }, [qc, taskId, status, progress, message]);
  const t = task.data;
  const running = !t || t.status === 'queued' || t.status === 'running';
  return (
    <div className="space-y-2" aria-label={label} role="group">
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span>
          {t?.status === 'succeeded'
            ? 'Done'
            : t?.status === 'failed'
              ? 'Failed'
              : (message ?? 'Starting…')}
        </span>
        <Link href={`/tasks/view/?id=${taskId}`} className="link">
          Open the task
        </Link>
      </div>
      {running && <ProgressBar value={t?.progress ?? null} label={label} />}
      {t?.error && <ErrorMessage error={t.error.message} />}
      {/* apt writes a line per package: the log scrolls inside the card, not the page. */}
      <div className="max-h-96 overflow-y-auto">
        <TaskLogView
          taskId={taskId}
          lines={log.data?.pages.flatMap((p) => p.items) ?? []}
          live={log.data?.pages.at(-1)?.live ?? running}
          error={log.error}
          loading={log.isPending}
          more={
            log.hasNextPage
              ? { load: () => void log.fetchNextPage(), busy: log.isFetchingNextPage }
              : undefined
          }
        />
      </div>
    </div>
  );
}
