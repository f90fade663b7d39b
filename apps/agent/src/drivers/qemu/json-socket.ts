import { createConnection, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

/**
 * A line-delimited JSON connection to a unix socket: QMP and the QEMU guest agent
 * both speak this way. Replies are matched to requests in order.
 */
export class JsonSocket {
  private readonly pending: Array<{ resolve: (v: unknown) => void; reject: (e: Error) => void }> =
    [];
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly onMessage: (msg: Record<string, unknown>) => boolean,
  ) {
    const lines = createInterface({ input: socket });
    // Socket errors are handled below; readline re-emits them and must not crash the agent.
    lines.on('error', () => undefined);
    lines.on('line', (line) => {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      // The owner sees every message first and may consume it (events, greetings).
      if (this.onMessage(msg)) return;
      const waiter = this.pending.shift();
      if (!waiter) return;
      if ('error' in msg) {
        const err = msg.error as { class?: string; desc?: string };
        waiter.reject(new Error(err.desc ?? err.class ?? 'error'));
      } else waiter.resolve(msg.return);
    });
    socket.on('close', () => this.fail(new Error('connection closed')));
    socket.on('error', (err) => this.fail(err));
  }

  static connect(
    path: string,
    onMessage: (msg: Record<string, unknown>) => boolean,
    timeoutMs = 3000,
  ): Promise<JsonSocket> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer from ${path}`));
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve(new JsonSocket(socket, onMessage));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request<T>(body: unknown, timeoutMs: number): Promise<T> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        // The waiter keeps its place so that a late reply is paired with it and dropped; the
        // connection stays, with the long command still running on it (a savevm behind which a
        // state query waited too long must not lose its own answer).
        waiter.resolve = () => undefined;
        waiter.reject = () => undefined;
        reject(new Error('timed out'));
      }, timeoutMs);
      const waiter = {
        resolve: (v: unknown) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.pending.push(waiter);
      this.socket.write(`${JSON.stringify(body)}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
    this.fail(new Error('connection closed'));
  }

  private fail(err: Error): void {
    this.closed = true;
    for (const w of this.pending.splice(0)) w.reject(err);
  }
}
