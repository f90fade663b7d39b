import type { InstanceAction, InstanceState } from '@berth/contracts';

/** QMP query-status → our states. */
export function fromQmpStatus(status: string): InstanceState {
  switch (status) {
    case 'running':
      return 'running';
    case 'paused':
    case 'suspended':
    case 'io-error':
    case 'watchdog':
    case 'guest-panicked':
      return 'paused';
    case 'inmigrate':
    case 'prelaunch':
    case 'restore-vm':
      return 'starting';
    case 'shutdown':
    case 'save-vm':
    case 'finish-migrate':
    case 'postmigrate':
      return 'stopping';
    default:
      return 'unknown';
  }
}

/** Why a VM action cannot run in this state, or null when it can. */
export function vmWhyNot(
  action: InstanceAction | 'exec' | 'delete' | 'screenshot',
  state: InstanceState,
): string | null {
  const running = state === 'running';
  switch (action) {
    case 'start':
      if (state === 'suspended') return 'the VM is suspended to disk; resume it instead';
      return state === 'stopped' ? null : `the VM is ${state}`;
    case 'resume':
      return state === 'suspended'
        ? null
        : `only a VM suspended to disk can be resumed (it is ${state}); paused VMs unpause`;
    case 'stop':
      return running || state === 'paused' ? null : `the VM is ${state}, not running`;
    case 'suspend':
      return running || state === 'paused'
        ? null
        : `only a running VM can be suspended (it is ${state})`;
    case 'restart':
    case 'reset':
    case 'pause':
    case 'exec':
      return running ? null : `the VM is ${state}, not running`;
    case 'unpause':
      return state === 'paused' ? null : `only a paused VM can be unpaused (it is ${state})`;
    case 'screenshot':
      return running || state === 'paused'
        ? null
        : `the VM is ${state}: there is no screen to show`;
    case 'delete':
      return state === 'stopped' || state === 'suspended'
        ? null
        : `the VM is ${state}; stop it first or delete with force`;
  }
}
