import type { Instance, InstanceAction, Me } from '@berth/contracts';
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
