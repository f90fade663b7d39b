import { WebSocket } from 'ws';
import type { Stack } from './harness.js';

export { until } from './wait.js';

export interface Opened {
  ws: WebSocket;
  /** Terminal output so far (binary frames). */
  text: () => string;
  bytes: () => Buffer;
  controls: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a console WebSocket; resolves once open. */
export function connect(
  stack: Stack,
  path: string,
  origin: string | null = stack.baseUrl,
): Promise<Opened> {
  const url = stack.baseUrl.replace(/^http/, 'ws') + path;
  const ws = new WebSocket(url, origin ? { origin } : {});
  const chunks: Buffer[] = [];
  const controls: unknown[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) chunks.push(data as Buffer);
    else controls.push(JSON.parse(String(data)));
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        text: () => Buffer.concat(chunks).toString(),
        bytes: () => Buffer.concat(chunks),
        controls,
        closed,
      }),
    );
    ws.once('error', reject);
  });
}

/** Opens a console that must be refused: it closes at once with 44xx and a reason, sending nothing. */
export async function refusal(
  promise: Promise<Opened>,
): Promise<{ code: number; message: string }> {
  const opened = await promise;
  const { code, reason } = await opened.closed;
  if (code < 4400 || code > 4499) {
    throw new Error(`the console should have been refused, but closed with ${code} ${reason}`);
  }
  if (opened.bytes().length > 0 || opened.controls.length > 0) {
    throw new Error('a refused console sent data');
  }
  return { code, message: reason };
}
