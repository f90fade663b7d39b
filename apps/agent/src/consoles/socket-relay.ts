import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** Bytes waiting in the WebSocket past this stop reading the socket until they drain. */
const HIGH_WATER = 4 * 1024 * 1024;

/**
 * Pipes a WebSocket and a stream socket into each other chunk by chunk, never gathering a whole
 * message: each read becomes one binary frame. Either side closing closes the other.
 */
export function relaySocket(ws: WebSocket, socket: Socket, onClose?: () => void): void {
  let paused = false;
  const resume = () => {
    if (paused && ws.bufferedAmount < HIGH_WATER / 2) {
      paused = false;
      socket.resume();
    }
  };
  socket.on('data', (chunk) => {
    ws.send(chunk, { binary: true }, resume);
    if (ws.bufferedAmount > HIGH_WATER && !paused) {
      paused = true;
      socket.pause();
    }
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    if (!socket.write(data as Buffer)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  let closed = false;
  const close = (code: number, reason: string) => {
    if (closed) return;
    closed = true;
    socket.destroy();
    ws.close(code, reason);
    onClose?.();
  };
  socket.on('close', () => close(1000, 'the console closed'));
  socket.on('error', (err) => close(1011, err.message.slice(0, 100)));
  ws.on('close', () => close(1000, 'the viewer left'));
  ws.on('error', () => close(1011, 'websocket error'));
}
