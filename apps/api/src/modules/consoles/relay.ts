import type { RawData, WebSocket } from 'ws';

/** Bytes waiting in a WebSocket past this stop reading the other one until they drain. */
const HIGH_WATER = 4 * 1024 * 1024;

/** What to send on for one client frame: the frame itself, a filtered copy, or nothing. */
export type InputFilter = (data: Buffer, isBinary: boolean) => Buffer | null;

export interface RelayStats {
  bytesIn: number;
  bytesOut: number;
}

/** Sees every frame the relay passes on, after filtering (a recording). */
export interface RelayTap {
  fromClient(data: Buffer, isBinary: boolean): void;
  fromAgent(data: Buffer, isBinary: boolean): void;
}

const asBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data as ArrayBuffer);

/** Sends `from`'s frames on to `to` one by one, pausing `from` while `to` is backed up. */
function forward(
  from: WebSocket,
  to: WebSocket,
  seen: (data: Buffer, isBinary: boolean) => void,
  filter?: InputFilter,
): void {
  let paused = false;
  const resume = () => {
    if (paused && to.bufferedAmount < HIGH_WATER / 2) {
      paused = false;
      from.resume();
    }
  };
  // The browser may speak before the agent's socket is open (a shell's first resize): hold it.
  const early: Array<[Buffer, boolean]> = [];
  to.once('open', () => {
    for (const [data, isBinary] of early.splice(0)) to.send(data, { binary: isBinary });
  });
  from.on('message', (raw, isBinary) => {
    const data = filter ? filter(asBuffer(raw), isBinary) : asBuffer(raw);
    if (!data || data.length === 0) return;
    seen(data, isBinary);
    if (to.readyState === to.CONNECTING) {
      early.push([data, isBinary]);
      return;
    }
    if (to.readyState !== to.OPEN) return;
    to.send(data, { binary: isBinary }, resume);
    if (to.bufferedAmount > HIGH_WATER && !paused) {
      paused = true;
      from.pause();
    }
  });
}

/**
 * Relays a browser's WebSocket to an agent's, frame by frame: nothing waits for a whole screen
 * update or command output. A close on either side closes the other with the same code and
 * reason, so an agent's refusal (4409 "the VM is stopped") reaches the browser as it was said.
 */
export function relayWebSockets(
  client: WebSocket,
  agent: WebSocket,
  opts: { filter?: InputFilter; tap?: RelayTap; onClose: (stats: RelayStats) => void },
): (reason?: string) => void {
  const stats: RelayStats = { bytesIn: 0, bytesOut: 0 };
  const { tap } = opts;
  forward(
    client,
    agent,
    (data, isBinary) => {
      stats.bytesIn += data.length;
      tap?.fromClient(data, isBinary);
    },
    opts.filter,
  );
  forward(agent, client, (data, isBinary) => {
    stats.bytesOut += data.length;
    tap?.fromAgent(data, isBinary);
  });
  let done = false;
  const close = (code: number, reason: string) => {
    if (done) return;
    done = true;
    const usable = code === 1000 || (code >= 3000 && code < 5000);
    for (const ws of [client, agent]) {
      if (ws.readyState === ws.OPEN) ws.close(usable ? code : 1000, reason);
      else if (ws.readyState === ws.CONNECTING) ws.terminate();
    }
    opts.onClose(stats);
  };
  client.on('close', (code, reason) => close(code, reason.toString()));
  agent.on('close', (code, reason) => close(code, reason.toString()));
  client.on('error', () => close(1011, 'browser connection failed'));
  agent.on('error', (err) =>
    close(4502, `host agent connection failed: ${err.message}`.slice(0, 120)),
  );
  return (reason = 'your session ended') => close(4401, reason);
}
