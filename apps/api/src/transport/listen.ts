import { createServer, type AddressInfo, type Server } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * Listens on every given address, on one port. Fastify binds one address; each other address
 * gets a plain TCP listener that hands its connections to the same HTTP(S) server, so TLS,
 * keep-alive, WebSocket upgrades and closing at shutdown work alike on all of them. Call before
 * the app is ready (it adds an onClose hook). Answers the bound URLs' host:port parts.
 */
export async function listenOn(
  app: FastifyInstance,
  addresses: readonly string[],
  port: number,
): Promise<string[]> {
  const extra: Server[] = [];
  app.addHook('onClose', async () => {
    await Promise.all(extra.map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const [first, ...rest] = addresses;
  await app.listen({ host: first, port });
  const bound = (app.server.address() as AddressInfo).port;
  for (const host of rest) {
    const server = createServer((socket) => app.server.emit('connection', socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(bound, host, () => resolve());
    });
    extra.push(server);
  }
  return addresses.map((a) => `${a.includes(':') ? `[${a}]` : a}:${bound}`);
}
