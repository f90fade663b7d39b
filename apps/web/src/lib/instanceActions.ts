import type { InstanceAction } from '@berth/contracts';

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
