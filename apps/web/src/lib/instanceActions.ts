import type { Instance, InstanceAction } from '@berth/contracts';

/**
 * Pure predicates: why an action cannot run on this instance now, or null when it can.
 * They mirror the agent's own rules (drivers/lxc/state.ts, drivers/qemu/state.ts), so a
 * disabled button can say why instead of waiting for a 409.
 */
type Why = string | null;
type Subject = Pick<Instance, 'kind' | 'state'>;

const noun = (i: Subject) => (i.kind === 'vm' ? 'the VM' : 'the container');

export function canStart(i: Subject): Why {
  if (i.state === 'stopped') return null;
  if (i.state === 'running') return `${noun(i)} is already running`;
  if (i.kind === 'ct' && i.state === 'frozen') return 'the container is suspended; resume it';
  if (i.kind === 'vm' && i.state === 'suspended') return 'the VM is suspended to disk; resume it';
  return `${noun(i)} is ${i.state}`;
}

export function canStop(i: Subject): Why {
  if (i.state === 'running') return null;
  if (i.kind === 'ct' && i.state === 'frozen') return null;
  if (i.kind === 'vm' && i.state === 'paused') return null;
  return `${noun(i)} is ${i.state}, not running`;
}

export function canRestart(i: Subject): Why {
  return i.state === 'running' ? null : `${noun(i)} is ${i.state}, not running`;
}

export function canSuspend(i: Subject): Why {
  if (i.state === 'running') return null;
  if (i.kind === 'vm' && i.state === 'paused') return null;
  return `only a running ${i.kind === 'vm' ? 'VM' : 'container'} can be suspended`;
}

export function canResume(i: Subject): Why {
  if (i.kind === 'ct')
    return i.state === 'frozen' ? null : 'only a suspended container can be resumed';
  return i.state === 'suspended' ? null : 'only a VM suspended to disk can be resumed';
}

export function canReset(i: Subject): Why {
  if (i.kind !== 'vm') return 'reset is for VMs';
  return i.state === 'running' ? null : `the VM is ${i.state}, not running`;
}

export function canPause(i: Subject): Why {
  if (i.kind !== 'vm') return 'pause is for VMs; containers suspend';
  return i.state === 'running' ? null : `the VM is ${i.state}, not running`;
}

export function canUnpause(i: Subject): Why {
  if (i.kind !== 'vm') return 'unpause is for VMs; containers resume';
  return i.state === 'paused' ? null : 'only a paused VM can be unpaused';
}

export function canScreenshot(i: Subject): Why {
  if (i.kind !== 'vm') return 'containers have no screen';
  return i.state === 'running' || i.state === 'paused'
    ? null
    : `the VM is ${i.state}: there is no screen to show`;
}

/** Delete is always offered; an instance that is not stopped needs force (stop first). */
export function deleteNeedsForce(i: Subject): boolean {
  if (i.state === 'stopped') return false;
  return !(i.kind === 'vm' && i.state === 'suspended');
}

/** Why nothing can be done while a task runs on the instance (the API answers 409). */
export const busyReason = (task: { kind: string } | undefined): Why =>
  task ? `${task.kind.replace('instance.', '')} is in progress` : null;

export const canAction: Record<InstanceAction, (i: Subject) => Why> = {
  start: canStart,
  stop: canStop,
  restart: canRestart,
  suspend: canSuspend,
  resume: canResume,
  reset: canReset,
  pause: canPause,
  unpause: canUnpause,
};

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

/** Which actions a kind offers at all (the others are not shown). */
export function actionsFor(kind: Instance['kind']): InstanceAction[] {
  return kind === 'vm'
    ? ['start', 'stop', 'restart', 'suspend', 'resume', 'pause', 'unpause', 'reset']
    : ['start', 'stop', 'restart', 'suspend', 'resume'];
}
