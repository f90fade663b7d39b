import type { InstanceState } from '@berth/contracts';
import { follow, type Followed } from '../../run.js';
import { parseMonitorLine } from './state.js';

/**
 * Follows `lxc-monitor` for the agent's lxcpath, so state changes made outside the
 * agent (a container that powers itself off) still reach the event stream.
 */
export class LxcMonitor {
  private followed: Followed | null = null;

  constructor(
    private readonly lxcpath: string,
    private readonly onChange: (ctid: number, state: InstanceState) => void,
  ) {}

  start(): void {
    this.followed ??= follow('lxc-monitor', ['-P', this.lxcpath, '-n', '.*'], {
      onLine: (line) => {
        const change = parseMonitorLine(line);
        if (change && /^\d+$/.test(change.name)) this.onChange(Number(change.name), change.state);
      },
    });
  }

  async stop(): Promise<void> {
    await this.followed?.stop();
  }
}
