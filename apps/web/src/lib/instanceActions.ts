import type { Instance, InstanceAction, InstanceState, Me } from '@berth/contracts';
import { needs } from './can';

/*
 * Which action runs in which state is the contracts' table (`whyNot`, `actionsFor`), shared
 * with the agent and the API so a disabled button gives the reason a 409 would. Only what
 * the screen adds lives here.
 */

/** Why nothing can be done while a task runs on the instance (the API answers 409). */
export const busyReason = (task: { kind: string } | undefined): string | null =>
  task ? `${task.kind.replace('instance.', '')} is in progress` : null;

export const actionLabel: Record<InstanceAction, string> = {
  start: 'Start',
  stop: 'Stop',
  restart: 'Restart',
  suspend: 'Suspend',
  resume: 'Resume',
  reset: 'Reset',
  pause: 'Pause',
  unpause: 'Unpause',
};

/**
 * Why this user may not do this to this instance (every lifecycle action is instance.power),
 * as the API would refuse it; null when they may.
 */
export const actionDenied = (
  me: Me | null | undefined,
  instance: Instance,
  action: InstanceAction | 'delete',
): string | null => needs(me, action === 'delete' ? 'instance.delete' : 'instance.power', instance);

/** Why a disabled instance may not do this (a start, or a restart, which starts it again). */
export const disabledReason = (instance: Instance, action: InstanceAction): string | null =>
  instance.disabled && (action === 'start' || action === 'restart')
    ? `${instance.name} is disabled; enable it first`
    : null;

/**
 * The state to show while a task is on its way: a VM booting under TCG reads "stopped" until
 * QEMU is up, so the start task in flight says "starting" sooner than the host can.
 */
export function shownState(
  state: InstanceState,
  task: { kind: string } | undefined,
): InstanceState {
  const verb = task?.kind.replace('instance.', '');
  if ((verb === 'start' || verb === 'resume') && (state === 'stopped' || state === 'suspended'))
    return 'starting';
  if ((verb === 'stop' || verb === 'suspend') && (state === 'running' || state === 'paused'))
    return 'stopping';
  return state;
}

export interface BulkOutcome {
  tone: 'success' | 'error' | 'info';
  title: string;
  body?: string;
}

/**
 * What a bulk action did and what it left, in one line: "Deleted 1, skipped 1 running (tick
 * 'Stop first')". Nothing selected is passed over in silence.
 */
export function bulkOutcome({
  verb,
  done,
  failed,
  skipped,
}: {
  /** Past tense, capitalised: "Deleted". */
  verb: string;
  done: number;
  /** "name: why" per instance whose task failed. */
  failed: string[];
  /** Left out before anything was sent, with why: [{count: 1, why: "running (tick 'Stop first')"}]. */
  skipped: { count: number; why: string }[];
}): BulkOutcome {
  const parts = [`${verb} ${done}`];
  if (failed.length) parts.push(`${failed.length} failed`);
  for (const s of skipped) if (s.count > 0) parts.push(`skipped ${s.count} ${s.why}`);
  const anySkipped = skipped.some((s) => s.count > 0);
  return {
    tone: failed.length || (done === 0 && anySkipped) ? 'error' : anySkipped ? 'info' : 'success',
    title: parts.join(', '),
    body: failed.length ? failed.join('; ') : undefined,
  };
}

/**
 * Why a container's disk cannot grow now, or null: a running one grows only where the host
 * says it can (its facts' storage.growInUse); unknown facts offer the change and let the
 * agent answer.
 */
export function diskGrowBlocked(
  instance: Pick<Instance, 'kind' | 'state'>,
  growInUse: boolean | undefined,
): string | null {
  if (instance.kind !== 'ct' || instance.state === 'stopped' || growInUse !== false) return null;
  return 'This host cannot grow a disk while the container runs (the agent lacks CAP_SYS_RESOURCE): stop it first.';
}
