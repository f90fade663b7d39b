import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { InstanceState } from '@berth/contracts';
import { parseMonitorLine } from './state.js';

/**
 * Follows `lxc-monitor` for the agent's lxcpath, so state changes made outside the
 * agent (a container that powers itself off) still reach the event stream.
 * Restarts the monitor with capped backoff if it dies.
 */
export class LxcMonitor {
  private child: ChildProcess | null = null;
  private stopped = false;
  private backoffMs = 500;

  constructor(
    private readonly lxcpath: string,
    private readonly onChange: (ctid: number, state: InstanceState) => void,
    private readonly log: (msg: string) => void,
  ) {}

  start(): void {
    if (this.stopped) return;
    const child = spawn('lxc-monitor', ['-P', this.lxcpath, '-n', '.*'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      this.backoffMs = 500;
      const change = parseMonitorLine(line);
      if (change && /^\d+$/.test(change.name)) this.onChange(Number(change.name), change.state);
    });
    child.on('error', (err) => this.log(`lxc-monitor failed: ${err.message}`));
    child.on('close', () => {
      this.child = null;
      if (this.stopped) return;
      setTimeout(() => this.start(), this.backoffMs).unref();
      this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
    });
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill();
  }
}
