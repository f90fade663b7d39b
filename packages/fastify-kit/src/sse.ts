import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Turns a reply into a server-sent event stream. Returns a send function and
 * calls onClose once when the client goes away. A comment line every 15 s keeps
 * proxies from closing an idle stream.
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  onClose: () => void,
): (data: unknown) => void {
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  reply.raw.write(': connected\n\n');
  const heartbeat = setInterval(() => reply.raw.write(': ping\n\n'), 15_000);
  request.raw.on('close', () => {
    clearInterval(heartbeat);
    onClose();
  });
  return (data) => {
    reply.raw.write(`data: ${JSON.stringify(data)}\n\n`);
  };
}

/** Reads an SSE body, calling onEvent with each parsed data payload. */
export async function readEventStream(
  body: ReadableStream<Uint8Array>,
  onEvent: (data: unknown) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (data) onEvent(JSON.parse(data));
    }
  }
}
