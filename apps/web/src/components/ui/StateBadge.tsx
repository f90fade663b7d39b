import type { InstanceState, Task } from '@berth/contracts';

const stateTone: Record<InstanceState, string> = {
  running: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  stopped: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  starting: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  stopping: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  frozen: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-900/50 dark:text-indigo-200',
  paused: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200',
  suspended: 'bg-indigo-100 text-indigo-800 dark:bg-indigo-900/50 dark:text-indigo-200',
  unknown: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
};

/** Every state, from the contract's type (the Record above must name each one). */
export const INSTANCE_STATES = Object.keys(stateTone) as InstanceState[];

/** Containers report "frozen"; operators call it suspended. */
export const stateText = (s: InstanceState) => (s === 'frozen' ? 'suspended' : s);

export function StateBadge({ state }: { state: InstanceState }) {
  return (
    <span
      data-state={state}
      className={`inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium ${stateTone[state]}`}
    >
      <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-current" />
      {stateText(state)}
    </span>
  );
}

const taskTone: Record<Task['status'], string> = {
  queued: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  running: 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200',
  succeeded: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  failed: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
};

export function TaskStatusBadge({ status }: { status: Task['status'] }) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ${taskTone[status]}`}
    >
      {status}
    </span>
  );
}

export function KindBadge({ kind }: { kind: 'ct' | 'vm' }) {
  return (
    <span
      className="inline-flex rounded border border-line px-1.5 text-[11px] font-semibold tracking-wide text-muted uppercase"
      title={kind === 'vm' ? 'virtual machine' : 'container'}
    >
      {kind === 'vm' ? 'VM' : 'CT'}
    </span>
  );
}
