import { WebSocket } from 'ws';
import type { Stack } from './harness.js';

type ErrorReply = { error: { code: string; message: string } };

export interface Opened {
  ws: WebSocket;
  /** Terminal output so far (binary frames). */
  text: () => string;
  bytes: () => Buffer;
  controls: unknown[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a console WebSocket; resolves once open, or rejects with the HTTP refusal. */
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
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () =>
        reject(Object.assign(new Error(body), { status: res.statusCode, body: JSON.parse(body) })),
      );
    });
    ws.once('error', reject);
  });
}

export async function refusal(
  promise: Promise<Opened>,
): Promise<{ status: number; message: string }> {
  try {
    const opened = await promise;
    opened.ws.close();
  } catch (err) {
    const e = err as { status: number; body: ErrorReply };
    return { status: e.status, message: e.body.error.message };
  }
  throw new Error('the WebSocket opened, but it should have been refused');
}

/** Polls until `fn` gives something truthy, and returns it. */
export async function until<T>(
  what: string,
  fn: () => T | Promise<T>,
  ms = 15_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
