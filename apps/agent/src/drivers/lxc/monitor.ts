import type { InstanceState } from '@berth/contracts';
import path from 'node:path';
import { endProcesses } from '../../host/proc.js';
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

  async start(): Promise<void> {
    // An agent killed with -9 leaves its lxc-monitor behind: end it rather than run two.
    await endProcesses((argv) => this.isOurs(argv, 'lxc-monitor'));
    this.followed ??= follow('lxc-monitor', ['-P', this.lxcpath, '-n', '.*'], {
      onLine: (line) => {
        const change = parseMonitorLine(line);
        if (change && /^\d+$/.test(change.name)) this.onChange(Number(change.name), change.state);
      },
    });
  }

  /**
   * lxc-monitor starts an lxc-monitord daemon per lxcpath that lingers after its last client;
   * this lxcpath is the agent's alone, so its daemon goes with the agent's monitor.
   */
  async stop(): Promise<void> {
    await this.followed?.stop();
    this.followed = null;
    await endProcesses((argv) => this.isOurs(argv, 'lxc-monitord'));
  }

  private isOurs(argv: string[], program: string): boolean {
    if (path.basename(argv[0] ?? '') !== program) return false;
    // lxc-monitord takes the lxcpath as its first argument, lxc-monitor after -P.
    if (program === 'lxc-monitord') return argv[1] === this.lxcpath;
    const at = argv.indexOf('-P');
    return at >= 0 && argv[at + 1] === this.lxcpath;
  }
}
