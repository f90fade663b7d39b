'use client';
import { Download } from 'lucide-react';
import type { OperationLogLine } from '@berth/contracts';
import { formatDuration } from '@/lib/taskSummary';
import { taskLogDownloadUrl } from '@/api/tasks';
import { ErrorMessage } from '@/components/ui/ErrorMessage';

const time = (iso: string) => {
  const d = new Date(iso);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
};

function outcome(c: NonNullable<OperationLogLine['command']>): string {
  const how = c.timedOut ? 'timed out' : c.code === null ? 'did not start' : `exit ${c.code}`;
  return `${how} · ${c.ms < 1000 ? `${c.ms} ms` : formatDuration(c.ms)}`;
}

/** A command line as it ran: monospace, its outcome beside it, stderr under it when it failed. */
export function CommandLine({ line }: { line: OperationLogLine }) {
  const c = line.command;
  if (!c) return null;
  return (
    <div className="min-w-0">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <code className="break-all">$ {line.message}</code>
        <span
          className={`text-xs tabular-nums ${line.failed ? 'font-semibold text-red-700 dark:text-red-300' : 'text-muted'}`}
        >
          {outcome(c)}
        </span>
      </div>
      {c.stderr.trim() &&
        (line.failed ? (
          <pre className="mt-1 max-h-60 overflow-auto rounded bg-red-50 p-2 text-xs whitespace-pre-wrap text-red-900 dark:bg-red-950 dark:text-red-100">
            {c.stderr.trimEnd()}
          </pre>
        ) : (
          <details className="mt-1">
            <summary className="cursor-pointer text-xs text-muted">stderr</summary>
            <pre className="mt-1 max-h-60 overflow-auto text-xs whitespace-pre-wrap">
              {c.stderr.trimEnd()}
            </pre>
          </details>
        ))}
    </div>
  );
}

const TYPE_LABEL: Record<OperationLogLine['type'], string> = {
  progress: 'progress',
  step: 'step',
  command: 'command',
  note: '',
};

/** The task's log in order: time, what kind of line, and the line. */
export function TaskLogView({
  taskId,
  lines,
  live,
  error,
  loading,
  more,
}: {
  taskId: string;
  lines: OperationLogLine[];
  live: boolean;
  error: unknown;
  loading: boolean;
  more?: { load: () => void; busy: boolean };
}) {
  return (
    <section className="card mt-4" aria-labelledby="task-log-title">
      <header className="flex flex-wrap items-center gap-3 border-b border-line px-4 py-2">
        <h2 id="task-log-title" className="font-semibold">
          Log
        </h2>
        <span className="text-sm text-muted">
          {lines.length} line{lines.length === 1 ? '' : 's'}
          {live && ' so far (the task is running)'}
        </span>
        <a
          className="btn-link ml-auto inline-flex items-center gap-1"
          href={taskLogDownloadUrl(taskId)}
          download
        >
          <Download aria-hidden className="size-4" /> Download
        </a>
      </header>
      {error ? (
        <div className="p-4">
          <ErrorMessage error={error} />
        </div>
      ) : loading ? (
        <p className="p-4 text-sm text-muted">Loading the log…</p>
      ) : lines.length === 0 ? (
        <p className="p-4 text-sm text-muted">
          No log was kept: its agent restarted while the task ran, or the task is older than
          Berth&apos;s task logs.
        </p>
      ) : (
        <ol className="divide-y divide-line text-sm" aria-label="Task log">
          {lines.map((line) => (
            <li
              key={line.seq}
              data-failed={line.failed || undefined}
              className={`grid grid-cols-[7rem_5rem_1fr] gap-2 px-4 py-1 ${line.failed ? 'bg-red-50/60 dark:bg-red-950/40' : ''}`}
            >
              <time className="font-mono text-xs text-muted tabular-nums" dateTime={line.at}>
                {time(line.at)}
              </time>
              <span className="text-xs text-muted">
                {line.type === 'progress' ? `${line.progress ?? 0}%` : TYPE_LABEL[line.type]}
              </span>
              {line.command ? (
                <CommandLine line={line} />
              ) : (
                <span className={line.type === 'step' ? 'font-mono text-xs' : ''}>
                  {line.message}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
      {more && (
        <div className="border-t border-line px-4 py-2">
          <button type="button" className="btn-link" onClick={more.load} disabled={more.busy}>
            {more.busy ? 'Loading…' : 'Show more'}
          </button>
        </div>
      )}
    </section>
  );
}
