import type {
  ConsoleTicket,
  CreateConsoleTicket,
  CreatedShareLink,
  CreateShareLink,
  ShareLink,
  SharedConsole,
  ShellSession,
  TerminalSize,
} from '@berth/contracts';
import type { z } from 'zod';
import { http } from './http';

const instancePath = (id: string) => `/instances/${encodeURIComponent(id)}`;

export const fetchShells = (instanceId: string, signal?: AbortSignal) =>
  http<{ items: ShellSession[] }>(`${instancePath(instanceId)}/shells`, { signal }).then(
    (r) => r.items,
  );

export const createShell = (instanceId: string, size: TerminalSize) =>
  http<ShellSession>(`${instancePath(instanceId)}/shells`, { method: 'POST', body: size });

export const endShell = (instanceId: string, shellId: string) =>
  http<void>(`${instancePath(instanceId)}/shells/${encodeURIComponent(shellId)}`, {
    method: 'DELETE',
  });

/** A one-use ticket for one WebSocket, valid for seconds: ask for a new one on every connect. */
export const createConsoleTicket = (
  instanceId: string,
  body: z.input<typeof CreateConsoleTicket>,
) => http<ConsoleTicket>(`${instancePath(instanceId)}/console-tickets`, { method: 'POST', body });

export const fetchShareLinks = (instanceId: string, signal?: AbortSignal) =>
  http<{ items: ShareLink[] }>(`${instancePath(instanceId)}/share-links`, { signal }).then(
    (r) => r.items,
  );

export const createShareLink = (instanceId: string, body: z.input<typeof CreateShareLink>) =>
  http<CreatedShareLink>(`${instancePath(instanceId)}/share-links`, { method: 'POST', body });

export const revokeShareLink = (linkId: string) =>
  http<void>(`/share-links/${encodeURIComponent(linkId)}`, { method: 'DELETE' });

/** Public: no login. Every redeem is one use of the link and gives one ticket. */
export const redeemShareLink = (token: string) =>
  http<SharedConsole>('/share/redeem', { method: 'POST', body: { token } });

/** Opens the console WebSocket a ticket is for, on this page's own origin. */
export function openConsoleSocket(ticket: Pick<ConsoleTicket, 'path'>): WebSocket {
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${window.location.host}${ticket.path}`);
  ws.binaryType = 'arraybuffer';
  return ws;
}
