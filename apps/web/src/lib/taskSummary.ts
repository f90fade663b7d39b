import type { Task } from '@berth/contracts';
import { errorText } from './errorText';
import { taskTitle } from './format';

/** Where one task is shown in full. */
export const taskHref = (id: string) => `/tasks/view/?id=${encodeURIComponent(id)}`;

/** The verbs of task kinds in the past tense; others read "<Verb> <object>: done". */
const PAST: Record<string, string> = {
  create: 'Created',
  delete: 'Deleted',
  start: 'Started',
  stop: 'Stopped',
  restart: 'Restarted',
  reset: 'Reset',
  suspend: 'Suspended',
  resume: 'Resumed',
  pause: 'Paused',
  unpause: 'Unpaused',
  build: 'Built',
  unprivilege: 'Made unprivileged',
};

/** Milliseconds as an operator reads a duration: "0.2 s", "14 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(Math.max(ms, 0) / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
}

/** How long a task ran (from its start, else its creation), or null while it runs. */
export function taskDuration(t: Task): number | null {
  if (!t.finishedAt) return null;
  return Date.parse(t.finishedAt) - Date.parse(t.startedAt ?? t.createdAt);
}

/**
 * A task in one line, by its outcome rather than its last progress step: "Stopped in 0.2 s",
 * "Failed: <the error as a sentence>"; while it runs, its current step.
 */
export function taskSummary(t: Task): string {
  if (t.status === 'failed')
    return `Failed: ${t.error ? errorText(t.error) : (t.message ?? 'no reason given')}`;
  if (t.status === 'succeeded') {
    const verb = t.kind.split('.')[1] ?? '';
    const took = taskDuration(t);
    const done = PAST[verb] ?? `${taskTitle(t.kind)}: done`;
    return took === null ? done : `${done} in ${formatDuration(took)}`;
  }
  if (t.status === 'queued') return 'Waiting to start';
  return t.message ?? 'Running';
}

/** Consecutive tasks with the same kind, target and outcome, as one row with a count. */
export interface TaskGroup {
  task: Task;
  count: number;
  /** The ids of the tasks folded into the first one (newest first, as given). */
  ids: string[];
}

const sameRow = (a: Task, b: Task) =>
  a.kind === b.kind &&
  a.instanceId === b.instanceId &&
  a.status === b.status &&
  a.status !== 'running' &&
  a.status !== 'queued' &&
  (a.error?.message ?? null) === (b.error?.message ?? null);

/** Folds runs of repeated tasks (a start failing five times in a row reads as one row, ×5). */
export function collapseTasks(tasks: readonly Task[]): TaskGroup[] {
  const out: TaskGroup[] = [];
  for (const t of tasks) {
    const last = out[out.length - 1];
    if (last && sameRow(last.task, t)) {
      last.count++;
      last.ids.push(t.id);
    } else out.push({ task: t, count: 1, ids: [t.id] });
  }
  return out;
}
