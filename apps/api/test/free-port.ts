import { createServer } from 'node:net';
import { drawInLane } from './lane.js';

// Below the kernel's ephemeral range (32768–60999 by default): a port there can be taken by any
// outgoing connection between this check and the listen, and once was (EADDRINUSE in CI).
const LOW = 20_000;
const HIGH = 32_000;

function tryListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A TCP port on loopback that nothing listens on right now, outside the ephemeral range. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = drawInLane(LOW, HIGH);
    if (await tryListen(port)) return port;
  }
  throw new Error(`no free port between ${LOW} and ${HIGH} after 200 tries`);
}
