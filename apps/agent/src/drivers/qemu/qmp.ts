import { JsonSocket } from './json-socket.js';

export type QmpEvent = { event: string; data?: Record<string, unknown> };

/** A QMP connection: greeting, capabilities negotiation, commands, and events. */
export class Qmp {
  private constructor(private readonly conn: JsonSocket) {}

  static async connect(path: string, onEvent: (e: QmpEvent) => void): Promise<Qmp> {
    const conn = await JsonSocket.connect(path, (msg) => {
      if ('QMP' in msg) return true;
      if (typeof msg.event === 'string') {
        onEvent(msg as QmpEvent);
        return true;
      }
      return false;
    });
    const qmp = new Qmp(conn);
    await qmp.execute('qmp_capabilities');
    return qmp;
  }

  get isClosed(): boolean {
    return this.conn.isClosed;
  }

  execute<T = unknown>(
    command: string,
    args?: Record<string, unknown>,
    timeoutMs = 30_000,
  ): Promise<T> {
    return this.conn.request<T>(
      { execute: command, ...(args ? { arguments: args } : {}) },
      timeoutMs,
    );
  }

  /** HMP commands (savevm, loadvm) that QMP has no stable equivalent for in QEMU 7.2. */
  async hmp(commandLine: string, timeoutMs = 300_000): Promise<string> {
    const out = await this.execute<string>(
      'human-monitor-command',
      { 'command-line': commandLine },
      timeoutMs,
    );
    return out ?? '';
  }

  close(): void {
    this.conn.close();
  }
}
