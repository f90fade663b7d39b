import type { ConsoleKind } from '@berth/contracts';
import { rateLimited } from '@berth/contracts';
import type { ConsoleGrant } from './tickets.js';

/** How much console one user (or one share link) may hold at once. */
export interface ConsoleLimits {
  /** Console WebSockets open at once per user or share link. */
  perUser: number;
  /** WebSockets open at once onto one shell (or one VM's screen, or serial port). */
  perConsole: number;
  /** Tickets issued and not yet used nor expired, per user or share link. */
  unusedTickets: number;
}

export const DEFAULT_CONSOLE_LIMITS: ConsoleLimits = {
  perUser: 20,
  perConsole: 8,
  unusedTickets: 50,
};

/** Whose allowance a console counts against: its user, or the share link it came through. */
export const holderOf = (g: Pick<ConsoleGrant, 'userId' | 'shareLinkId'>): string =>
  g.userId ? `user:${g.userId}` : `link:${g.shareLinkId ?? ''}`;

/** The console a socket looks at: one shell, or one VM's screen or serial port. */
export const consoleOf = (g: Pick<ConsoleGrant, 'instanceId' | 'kind' | 'shellId'>): string =>
  g.kind === 'shell' ? `shell:${g.shellId ?? ''}` : `${g.instanceId}/${g.kind}`;

const WHAT: Record<ConsoleKind, string> = {
  shell: 'this shell',
  serial: "this VM's serial port",
  vnc: "this VM's screen",
};

/**
 * Whether one more console socket fits, given the grants of those open now: the refusal to
 * close it with (4429 and its reason), or null. Pure, so the caller can count and add in one
 * turn of the event loop and two sockets racing cannot both take the last place.
 */
export function socketCapRefusal(
  grant: ConsoleGrant,
  open: Iterable<ConsoleGrant>,
  limits: ConsoleLimits,
): Error | null {
  const holder = holderOf(grant);
  const target = consoleOf(grant);
  let mine = 0;
  let viewers = 0;
  for (const g of open) {
    if (holderOf(g) === holder) mine++;
    if (consoleOf(g) === target) viewers++;
  }
  // Nothing to wait for: a place frees when a console closes, not after a known time.
  if (mine >= limits.perUser) {
    const whose = grant.userId ? 'for you' : 'through this share link';
    return rateLimited(`too many consoles: ${mine} open ${whose}; close one`, 1);
  }
  if (viewers >= limits.perConsole) {
    return rateLimited(`too many viewers: ${viewers} on ${WHAT[grant.kind]}; close one`, 1);
  }
  return null;
}
