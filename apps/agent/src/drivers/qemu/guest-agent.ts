import { randomInt } from 'node:crypto';
import { JsonSocket } from './json-socket.js';

export interface GuestExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface ExecStatus {
  exited: boolean;
  exitcode?: number;
  signal?: number;
  'out-data'?: string;
  'err-data'?: string;
}

interface GuestInterface {
  name: string;
  'ip-addresses'?: Array<{ 'ip-address-type': string; 'ip-address': string; prefix: number }>;
}

/**
 * The QEMU guest agent over its virtio-serial socket. Each use opens a fresh
 * connection and syncs first, because a guest agent that restarted (or a reply
 * left from a timed-out call) would otherwise pair answers with the wrong request.
 */
export class GuestAgent {
  constructor(private readonly socketPath: string) {}

  private async session<T>(
    work: (conn: JsonSocket) => Promise<T>,
    syncTimeoutMs: number,
  ): Promise<T> {
    const conn = await JsonSocket.connect(this.socketPath, () => false);
    try {
      const id = randomInt(1, 2 ** 31);
      // Stale lines may precede our answer: guest-sync echoes the id, so skip until it matches.
      for (let i = 0; i < 5; i++) {
        const got = await conn.request<number>(
          { execute: 'guest-sync', arguments: { id } },
          syncTimeoutMs,
        );
        if (got === id) return await work(conn);
      }
      throw new Error('the guest agent never echoed our sync id');
    } finally {
      conn.close();
    }
  }

  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      await this.session(async () => undefined, timeoutMs);
      return true;
    } catch {
      return false;
    }
  }

  exec(
    argv: readonly string[],
    opts: { timeoutMs: number; input?: string },
  ): Promise<GuestExecResult> {
    return this.session(async (conn) => {
      const { pid } = await conn.request<{ pid: number }>(
        {
          execute: 'guest-exec',
          arguments: {
            path: argv[0],
            arg: argv.slice(1),
            'capture-output': true,
            ...(opts.input ? { 'input-data': Buffer.from(opts.input).toString('base64') } : {}),
          },
        },
        10_000,
      );
      const deadline = Date.now() + opts.timeoutMs;
      for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
        const status = await conn.request<ExecStatus>(
          { execute: 'guest-exec-status', arguments: { pid } },
          10_000,
        );
        if (status.exited) {
          return {
            exitCode: status.exitcode ?? (status.signal ? 128 + status.signal : 1),
            stdout: Buffer.from(status['out-data'] ?? '', 'base64').toString('utf8'),
            stderr: Buffer.from(status['err-data'] ?? '', 'base64').toString('utf8'),
            timedOut: false,
          };
        }
        if (Date.now() > deadline) return { exitCode: 124, stdout: '', stderr: '', timedOut: true };
        await new Promise((r) => setTimeout(r, delay));
      }
    }, 3000);
  }

  /**
   * Freezes the guest's filesystems (FIFREEZE), after it has flushed them; gives how many. Until
   * the thaw the guest agent answers little else (no exec): whoever freezes must thaw.
   */
  freeze(timeoutMs = 30_000): Promise<number> {
    return this.session(
      (conn) => conn.request<number>({ execute: 'guest-fsfreeze-freeze' }, timeoutMs),
      2000,
    );
  }

  /** Thaws them; gives how many were thawed (none when nothing was frozen). */
  thaw(timeoutMs = 30_000): Promise<number> {
    return this.session(
      (conn) => conn.request<number>({ execute: 'guest-fsfreeze-thaw' }, timeoutMs),
      2000,
    );
  }

  /** Has the guest trim its mounted filesystems: what they no longer use is discarded. */
  trim(
    timeoutMs = 10 * 60_000,
  ): Promise<Array<{ path: string; trimmed?: number; error?: string }>> {
    return this.session(
      async (conn) =>
        (
          await conn.request<{ paths: Array<{ path: string; trimmed?: number; error?: string }> }>(
            { execute: 'guest-fstrim' },
            timeoutMs,
          )
        ).paths,
      2000,
    );
  }

  /**
   * What the guest says it is: IPv4 addresses of its interfaces other than loopback, and the
   * host name it uses (null when its agent does not tell, e.g. one built without that command).
   */
  identity(timeoutMs = 2000): Promise<{ ips: string[]; hostname: string | null }> {
    return this.session(async (conn) => {
      const ifaces = await conn.request<GuestInterface[]>(
        { execute: 'guest-network-get-interfaces' },
        timeoutMs,
      );
      const named = await conn
        .request<{ 'host-name': string }>({ execute: 'guest-get-host-name' }, timeoutMs)
        .catch(() => null);
      return {
        ips: ifaces
          .filter((i) => i.name !== 'lo')
          .flatMap((i) => i['ip-addresses'] ?? [])
          .filter((a) => a['ip-address-type'] === 'ipv4')
          .map((a) => a['ip-address']),
        hostname: named?.['host-name'] || null,
      };
    }, timeoutMs);
  }
}
