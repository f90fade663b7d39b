'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useEffect, type ReactNode } from 'react';
import { CANCELLABLE_KINDS } from '@berth/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { explainError } from '@/lib/errorText';
import { taskTitle } from '@/lib/format';
import { formatDuration, taskDuration, taskSummary } from '@/lib/taskSummary';
import { useMe } from '@/queries/useAuth';
import { useInstances } from '@/queries/useInstances';
import { taskKeys } from '@/queries/keys';
import { useTask, useTaskLog } from '@/queries/useTasks';
import { CancelTask } from '@/components/tasks/CancelTask';
import { CommandLine, TaskLogView } from '@/components/tasks/TaskLog';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { TaskStatusBadge } from '@/components/ui/StateBadge';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

function Row({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[10rem_1fr] gap-2 px-4 py-2 text-sm">
      <dt className="text-muted">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

/** One task in full: what, on what, who started it, when, how long, and how it ended. */
function TaskView() {
  const id = useSearchParams().get('id');
  const q = useTask(id);
  const me = useMe().data;
  const instances = useInstances();
  const log = useTaskLog(id);
  const qc = useQueryClient();
  const { status, progress, message } = q.data ?? {};
  // A running task's log grows with each step the event stream reports; an ended one is final.
  useEffect(() => {
    if (id && status) void qc.invalidateQueries({ queryKey: taskKeys.log(id) });
  }, [qc, id, status, progress, message]);
  if (!id) return <ErrorState title="No task chosen" error="Open a task from the tasks list." />;
  if (q.isPending) return <LoadingState label="Loading the task…" />;
  if (q.isError && !q.data)
    return (
      <ErrorState
        title="The task could not be loaded"
        error={q.error}
        onRetry={() => void q.refetch()}
      />
    );
  const t = q.data;
  const running = t.status === 'running' || t.status === 'queued';
  const took = taskDuration(t);
  const waited = t.startedAt ? Date.parse(t.startedAt) - Date.parse(t.createdAt) : null;
  // A deleted instance is no longer listed; a create's result still names it.
  const named = t.result as { name?: unknown } | null;
  const instanceName =
    instances.data?.find((i) => i.id === t.instanceId)?.name ??
    (typeof named?.name === 'string' ? named.name : null);
  const error = t.error ? explainError(t.error) : null;
  const lines = log.data?.pages.flatMap((p) => p.items) ?? [];
  const failing =
    t.status === 'failed' ? [...lines].reverse().find((l) => l.failed && l.command) : undefined;
  return (
    <>
      <PageHeader
        title={taskTitle(t.kind)}
        description={
          <span className="inline-flex items-center gap-2">
            <TaskStatusBadge status={t.status} /> {taskSummary(t)}
          </span>
        }
        actions={
          <Link className="btn-link" href="/tasks/">
            All tasks
          </Link>
        }
      />
      {running && (
        <div className="card mb-4 flex items-center gap-3 p-4">
          <ProgressBar value={t.progress} label="Progress" className="max-w-md" />
          <span className="text-sm tabular-nums">{t.progress}%</span>
          <span className="text-sm text-muted">{t.message}</span>
          <span className="ml-auto">
            <CancelTask task={t} size="md" />
          </span>
        </div>
      )}
      {failing && (
        <section
          className="card mb-4 border-red-300 p-4 dark:border-red-800"
          aria-label="Failing command"
        >
          <h2 className="mb-1 text-sm font-semibold text-red-700 dark:text-red-300">
            {t.error?.code === 'cancelled'
              ? 'The command the cancel stopped'
              : 'The command that failed'}
          </h2>
          <CommandLine line={failing} />
        </section>
      )}
      <dl className="card divide-y divide-line" aria-label="Task details">
        <Row term="Kind">
          <code>{t.kind}</code>
        </Row>
        <Row term="Object">
          {t.instanceId && t.kind.startsWith('instance.') ? (
            <Link className="link-plain" href={`/instances/view/?id=${t.instanceId}`}>
              {instanceName ?? t.instanceId}
            </Link>
          ) : (
            (t.instanceId ?? '—')
          )}
        </Row>
        <Row term="Started by">
          {t.startedBy ? `${t.startedBy}${t.userId === me?.id ? ' (you)' : ''}` : 'Berth itself'}
        </Row>
        <Row term="Host">{t.hostId ?? '—'}</Row>
        <Row term="Queued">{when(t.createdAt)}</Row>
        <Row term="Started">
          {when(t.startedAt)}
          {waited !== null && waited >= 100 && (
            <span className="text-muted"> (waited {formatDuration(waited)})</span>
          )}
        </Row>
        <Row term="Finished">
          {when(t.finishedAt)}
          {took !== null && <span className="text-muted"> (took {formatDuration(took)})</span>}
        </Row>
        <Row term={running ? 'Current step' : 'Last step'}>{t.message ?? '—'}</Row>
        {error && (
          <Row term="Error">
            <p className="text-red-700 dark:text-red-300">{error.text}</p>
            {error.detail && (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-muted">Details</summary>
                <pre className="mt-1 text-xs whitespace-pre-wrap">
                  {t.error?.code}: {error.detail}
                </pre>
              </details>
            )}
          </Row>
        )}
        {t.result != null && (
          <Row term="Result">
            {typeof t.result === 'object' ? (
              <details>
                <summary className="cursor-pointer">As the agent answered (JSON)</summary>
                <pre className="mt-1 text-xs whitespace-pre-wrap">
                  {JSON.stringify(t.result, null, 2)}
                </pre>
              </details>
            ) : (
              String(t.result)
            )}
          </Row>
        )}
        <Row term="Cancel">
          <span className="text-muted">
            {CANCELLABLE_KINDS.has(t.kind)
              ? 'While it runs, its starter (or an operator over the instance) may cancel it: it stops at its next step and rolls back.'
              : 'Not offered: this kind of work runs to its end once it has begun.'}
          </span>
        </Row>
      </dl>
      <TaskLogView
        taskId={t.id}
        lines={lines}
        live={log.data?.pages.at(-1)?.live ?? running}
        error={log.error}
        loading={log.isPending}
        more={
          log.hasNextPage
            ? { load: () => void log.fetchNextPage(), busy: log.isFetchingNextPage }
            : undefined
        }
      />
    </>
  );
}

export default function TaskPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <TaskView />
    </Suspense>
  );
}
