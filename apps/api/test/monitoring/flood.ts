import { createSocket } from 'node:dgram';

/** 4,000 UDP datagrams of 1,000 bytes to the discard port of `ip` (the host has no ping). */
export async function udpFlood(ip: string): Promise<void> {
  const socket = createSocket('udp4');
  const payload = Buffer.alloc(1000);
  for (let n = 0; n < 4000; n++) {
    await new Promise<void>((resolve, reject) =>
      socket.send(payload, 9, ip, (err) => (err ? reject(err) : resolve())),
    );
  }
  socket.close();
}
