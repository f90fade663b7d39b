import type { InstanceState } from '@berth/contracts';

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
