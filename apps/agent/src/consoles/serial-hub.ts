import { open } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import type { WebSocket } from 'ws';

const REPLAY_BYTES = 64 * 1024;

interface Line {
  socket: Socket;
  viewers: Set<WebSocket>;
}

/** The last bytes of the serial log, so a new viewer sees the login prompt that came before it. */
async function logTail(file: string): Promise<Buffer> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return Buffer.alloc(0);
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, REPLAY_BYTES);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    return buf;
  } finally {
    await handle.close();
  }
}

/**
 * QEMU's serial socket takes one client at a time, so the agent holds that one connection per
 * VM and fans it out: every viewer sees the output, and whatever any of them types goes in.
 */
export class SerialHub {
  /** Kept as promises so two viewers arriving together share one connection. */
  private readonly lines = new Map<string, Promise<Line>>();

  async attach(
    vmId: string,
    sockets: { serial: string; serialLog: string },
    ws: WebSocket,
  ): Promise<void> {
    const replay = await logTail(sockets.serialLog);
    let pending = this.lines.get(vmId);
    if (!pending) {
      const created = this.connect(sockets.serial);
      this.lines.set(vmId, created);
      const forget = () => {
        if (this.lines.get(vmId) === created) this.lines.delete(vmId);
      };
      created.then((line) => line.socket.once('close', forget), forget);
      pending = created;
    }
    const line = await pending;
    if (replay.length > 0) ws.send(replay, { binary: true });
    line.viewers.add(ws);
    ws.on('message', (data, isBinary) => {
      if (isBinary) line.socket.write(data as Buffer);
    });
    ws.on('close', () => {
      line.viewers.delete(ws);
      if (line.viewers.size === 0) {
        line.socket.destroy();
      }
    });
  }

  private connect(path: string): Promise<Line> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      const line: Line = { socket, viewers: new Set() };
      socket.once('connect', () => resolve(line));
      socket.on('error', (err) => {
        reject(err);
        socket.destroy();
      });
      socket.on('data', (chunk) => {
        for (const ws of line.viewers) ws.send(chunk, { binary: true });
      });
      socket.on('close', () => {
        for (const ws of line.viewers) ws.close(1000, 'the serial console closed');
      });
    });
  }
}
