import type { PrismaClient } from '@berth/db';
import type { ConsoleKind } from '@berth/contracts';
import { forbidden, unauthorized, rateLimited, AppError, ErrorCode } from '@berth/contracts';
import { newSecret, sha256 } from '../auth/secrets.js';

/** Long enough to open a WebSocket after asking; short enough that a leaked ticket is stale. */
export const TICKET_SECONDS = 30;

/** Whom a console is opened for, and what it may do. */
export interface ConsoleGrant {
  userId: string | null;
  sessionId: string | null;
  tokenId: string | null;
  shareLinkId: string | null;
  hostId: string;
  instanceId: string;
  kind: ConsoleKind;
  shellId: string | null;
  viewOnly: boolean;
}

/**
 * One-time console tickets. A WebSocket cannot carry an Authorization header from a browser,
 * and a cookie alone would let any page the user visits open their consoles; so an
 * authenticated POST mints a ticket bound to the caller, the instance and the console kind,
 * and the WebSocket presents it once. Only its hash is stored, so the table leaks nothing.
 */
export class ConsoleTickets {
  constructor(private readonly db: PrismaClient) {}

  /**
   * Mints a ticket, unless its user (or share link) already holds `maxUnused` tickets neither
   * used nor expired: then a 429 with the time until the oldest one expires. Two requests at
   * the same instant may both pass the count; the cap is a brake on floods, not an exact number.
   */
  async issue(
    grant: ConsoleGrant,
    maxUnused: number,
  ): Promise<{ ticket: string; expiresAt: Date }> {
    const ticket = newSecret();
    const expiresAt = new Date(Date.now() + TICKET_SECONDS * 1000);
    await this.db.consoleTicket.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    const unused = await this.db.consoleTicket.findMany({
      where: {
        ...(grant.userId ? { userId: grant.userId } : { shareLinkId: grant.shareLinkId }),
        usedAt: null,
        expiresAt: { gt: new Date() },
      },
      orderBy: { expiresAt: 'asc' },
      select: { expiresAt: true },
      take: maxUnused,
    });
    if (unused.length >= maxUnused) {
      throw rateLimited(
        `too many console tickets: ${unused.length} unused in the last ${TICKET_SECONDS} s; open the consoles or wait`,
        (unused[0]!.expiresAt.getTime() - Date.now()) / 1000,
      );
    }
    await this.db.consoleTicket.create({ data: { id: sha256(ticket), ...grant, expiresAt } });
    return { ticket, expiresAt };
  }

  /** Spends a ticket on one console; every refusal says which rule it broke. */
  async redeem(
    ticket: string | undefined,
    wanted: { instanceId: string; kind: ConsoleKind },
  ): Promise<ConsoleGrant> {
    if (!ticket) {
      throw unauthorized(
        'a console needs a ticket: POST /api/v1/instances/{id}/console-tickets, then open the WebSocket with ?ticket=',
      );
    }
    const id = sha256(ticket);
    const row = await this.db.consoleTicket.findUnique({ where: { id } });
    if (!row) throw unauthorized('unknown console ticket');
    if (row.usedAt) throw unauthorized('this console ticket was used already; get a new one');
    if (row.expiresAt < new Date())
      throw unauthorized('this console ticket expired; get a new one');
    if (row.instanceId !== wanted.instanceId)
      throw forbidden('this ticket is for another instance');
    if (row.kind !== wanted.kind) throw forbidden(`this ticket is for a ${row.kind} console`);
    // Two WebSockets racing with one ticket: only the update that flips usedAt wins.
    const { count } = await this.db.consoleTicket.updateMany({
      where: { id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (count !== 1) throw unauthorized('this console ticket was used already; get a new one');
    return {
      userId: row.userId,
      sessionId: row.sessionId,
      tokenId: row.tokenId,
      shareLinkId: row.shareLinkId,
      hostId: row.hostId,
      instanceId: row.instanceId,
      kind: row.kind as ConsoleKind,
      shellId: row.shellId,
      viewOnly: row.viewOnly,
    };
  }
}

export const isRefusal = (err: unknown): err is AppError =>
  err instanceof AppError &&
  (err.code === ErrorCode.unauthorized || err.code === ErrorCode.forbidden);
