import type { ConsoleTicket } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { openConsoleSocket } from '@/api/consoles';
import { backoffDelay } from '@/lib/backoff';
import { errorText } from '@/lib/errorText';

export type ConsoleStatus =
  | { state: 'connecting' }
  | { state: 'connected'; recorded: boolean }
  | { state: 'reconnecting'; attempt: number; of: number; reason: string }
  | { state: 'disconnected'; reason: string };

/** Where a console gets the ticket for its next WebSocket (a ticket works once). */
export type TicketSource = () => Promise<ConsoleTicket>;

export interface ConsoleConnection {
  /** Start over now, with a fresh retry budget (the Reconnect button). */
  reconnect(): void;
  /** The far side is done (a shell exited): close, say why, and do not come back. */
  end(reason: string): void;
  /** The page is leaving: close without a word. */
  stop(): void;
}

const RETRIES = 5;

/**
 * The API closes a refused WebSocket with 4000 + the HTTP status and says why: after a
 * 4xx (4401, 4404, 4409…) asking again would not help; a 45xx may pass.
 */
const refused = (code: number) => code >= 4400 && code < 4500;

function closeReason(e: CloseEvent): string {
  if (e.reason) return e.reason;
  if (e.code === 1000) return 'the console was closed';
  if (e.code === 1001 || e.code === 1005) return 'the server closed the connection';
  if (e.code === 1006) return 'the connection was lost';
  return `the connection closed (code ${e.code})`;
}

/** Only failures that may pass are worth retrying: network, server errors, rate limits. */
const transient = (e: unknown) =>
  !isApiError(e) || e.status === 0 || e.status === 429 || e.status >= 500;

/**
 * One console's WebSocket over time: a fresh ticket and socket per attempt, automatic
 * reconnects with capped backoff after a drop, none after a refusal or a normal close.
 * `onSocket` wires each new socket (before it opens); `onStatus` hears every change.
 */
export function connectConsole({
  getTicket,
  onSocket,
  onStatus,
}: {
  getTicket: TicketSource;
  onSocket: (ws: WebSocket) => void;
  onStatus: (s: ConsoleStatus) => void;
}): ConsoleConnection {
  let ws: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let done = false;
  // Each attempt has a number: answers for an attempt that was given up on are ignored.
  let generation = 0;

  const retryOrGiveUp = (reason: string) => {
    if (attempt >= RETRIES) {
      onStatus({ state: 'disconnected', reason: `${reason}; gave up after ${RETRIES} tries` });
      return;
    }
    onStatus({ state: 'reconnecting', attempt: attempt + 1, of: RETRIES, reason });
    timer = setTimeout(open, backoffDelay(attempt++, 500, 8_000));
  };

  const open = async () => {
    const mine = ++generation;
    if (attempt === 0) onStatus({ state: 'connecting' });
    let ticket: ConsoleTicket;
    try {
      ticket = await getTicket();
    } catch (e) {
      if (mine !== generation || done) return;
      if (transient(e)) retryOrGiveUp(errorText(e));
      else onStatus({ state: 'disconnected', reason: errorText(e) });
      return;
    }
    if (mine !== generation || done) return;
    const sock = openConsoleSocket(ticket);
    ws = sock;
    sock.addEventListener('open', () => {
      attempt = 0;
      // The API records this console when a policy says so; whoever uses it is told.
      onStatus({ state: 'connected', recorded: ticket.recorded });
    });
    sock.addEventListener('close', (e) => {
      if (sock !== ws || done) return;
      ws = null;
      if (refused(e.code) || e.code === 1000)
        onStatus({ state: 'disconnected', reason: closeReason(e) });
      else retryOrGiveUp(closeReason(e));
    });
    onSocket(sock);
  };

  const close = () => {
    clearTimeout(timer);
    generation++;
    const sock = ws;
    ws = null;
    sock?.close();
  };

  void open();
  return {
    reconnect() {
      if (done) return;
      close();
      attempt = 0;
      void open();
    },
    end(reason) {
      done = true;
      close();
      onStatus({ state: 'disconnected', reason });
    },
    stop() {
      done = true;
      close();
    },
  };
}
