import type { WebSocket } from 'ws';
import { z } from 'zod';
import {
  ConsoleKind,
  InstanceRef,
  badRequest,
  can,
  forbidden,
  unauthorized,
  type ConsoleTicket,
  type CreateConsoleTicket,
  type CreateShareLink,
  type CreatedShareLink,
  type ShareLink,
  type SharedConsole,
} from '@berth/contracts';
import type { FastifyBaseLogger } from 'fastify';
import type { Actor, Audit, AuditEntry, AuditNote } from '../audit/audit.service.js';
import type { Auth, Principal } from '../auth/auth.service.js';
import type { Hosts, Located } from '../hosts/hosts.service.js';
import type { Recordings } from '../recordings/recordings.service.js';
import { DEFAULT_CONSOLE_LIMITS, socketCapRefusal, type ConsoleLimits } from './console-caps.js';
import { agentPath, checkKind, viewOnlyFilter } from './console-kinds.js';
import { OpenConsoles } from './open-consoles.js';
import { originAllowed } from './origin.js';
import { relayWebSockets } from './relay.js';
import type { ShareLinks } from './share-links.js';
import { loginOf, type Shells } from './shells.js';
import { ConsoleRefusals, type RefusalLimits } from './refusals.js';
import { type ConsoleGrant, type ConsoleTickets, isRefusal } from './tickets.js';

/** Typing into a console (or handing that on through a link) needs instance.console there. */
function mayType(p: Principal, instance: Located): void {
  if (!can(p, 'instance.console', instance))
    throw forbidden(
      'typing into this console needs the instance.console permission; ask for a view-only one',
    );
}

const SocketParams = z.object({ id: InstanceRef.shape.id, kind: ConsoleKind });
const SocketQuery = z.object({ ticket: z.string().max(200).optional() });

/** A console WebSocket as it arrives: nothing in it is checked yet. */
export interface ConsoleKnock {
  params: unknown;
  query: unknown;
  origin: string | undefined;
  host: string | undefined;
  /** Who knocked, as far as the request shows (for refusals). */
  requester: Actor;
}

/** An admitted console: whom it is for, and whether a recording policy covers it. */
export interface Admitted {
  grant: ConsoleGrant;
  actor: Actor;
  record: boolean;
}

export type Admission = Admitted | { refused: unknown };

type Credential = { sessionId?: string; tokenId?: string };
const credentialOf = (g: ConsoleGrant): Credential => ({
  sessionId: g.sessionId ?? undefined,
  tokenId: g.tokenId ?? undefined,
});

/**
 * Consoles: one-time tickets, share links, and relaying a ticket-holder to the agent's
 * console. Every console open, close and refusal is audited; a console ends with the login,
 * token or share link it was opened with.
 */
/** How often console input marks its login session as in use. */
const SESSION_TOUCH_MS = 60_000;

export class ConsolesService {
  private readonly open: OpenConsoles;
  private readonly refusals: ConsoleRefusals;

  constructor(
    private readonly deps: {
      hosts: Hosts;
      auth: Auth;
      audit: Audit;
      shells: Shells;
      tickets: ConsoleTickets;
      shareLinks: ShareLinks;
      allowedOrigins: readonly string[];
      recordings: Recordings;
      log: Pick<FastifyBaseLogger, 'error'>;
      refusalLimits?: RefusalLimits;
      limits?: ConsoleLimits;
    },
  ) {
    this.refusals = new ConsoleRefusals(
      ({ address, count, windowSeconds }) =>
        void this.audited(
          { userId: null, name: 'anonymous', ip: address },
          {
            action: 'console.refused',
            targetType: 'address',
            targetId: address,
            outcome: 'denied',
            detail: { count, windowSeconds, reason: 'too many refused console attempts' },
          },
        ),
      deps.refusalLimits,
    );
    // Sessions also just expire, with no request to notice it: open consoles check on a timer.
    this.open = new OpenConsoles(
      (g) => this.grantHolds(g),
      (g) =>
        g.shareLinkId
          ? this.open.endWhere(
              (o) => o.shareLinkId === g.shareLinkId,
              'this share link has expired or was revoked',
            )
          : this.credentialEnded(credentialOf(g)),
    );
    deps.auth.onCredentialEnded((ended) => this.credentialEnded(ended));
  }

  close(): void {
    this.open.close();
    this.refusals.flush();
  }

  /** Turns away, with a 429 and before its ticket is read, an address refused too often. */
  checkKnockRate(address: string): void {
    this.refusals.check(address);
  }

  /** A login or token is over: its consoles close and the shells it opened end. */
  private credentialEnded(ended: Credential): void {
    this.open.endWhere(
      (g) =>
        (!!ended.sessionId && g.sessionId === ended.sessionId) ||
        (!!ended.tokenId && g.tokenId === ended.tokenId),
    );
    const login = loginOf(ended);
    if (login) this.deps.shells.endAllOf(login);
  }

  /** Whether the login, token or share link a console was opened with still holds. */
  private grantHolds(g: ConsoleGrant): Promise<boolean> {
    return g.shareLinkId
      ? this.deps.shareLinks.stillValid(g.shareLinkId)
      : this.deps.auth.stillValid(credentialOf(g));
  }

  private get limits(): ConsoleLimits {
    return this.deps.limits ?? DEFAULT_CONSOLE_LIMITS;
  }

  private async issue(grant: ConsoleGrant): Promise<ConsoleTicket> {
    const { ticket, expiresAt } = await this.deps.tickets.issue(grant, this.limits.unusedTickets);
    const { instanceId, kind, viewOnly } = grant;
    return {
      ticket,
      expiresAt: expiresAt.toISOString(),
      path: `/api/v1/instances/${instanceId}/console/${kind}?ticket=${encodeURIComponent(ticket)}`,
      kind,
      viewOnly,
      // Decided again when the socket opens; told now so the console can say so from the start.
      recorded: await this.deps.recordings.shouldRecord(grant),
    };
  }

  async issueTicket(p: Principal, id: string, wanted: CreateConsoleTicket): Promise<ConsoleTicket> {
    const instance = await this.deps.hosts.findInstance(id);
    checkKind(instance, wanted.kind);
    if (!wanted.viewOnly) mayType(p, instance);
    if (wanted.shellId) await this.deps.shells.owned(p, instance, wanted.shellId);
    return this.issue({
      userId: p.id,
      sessionId: p.sessionId ?? null,
      tokenId: p.tokenId ?? null,
      shareLinkId: null,
      hostId: instance.hostId,
      instanceId: instance.id,
      kind: wanted.kind,
      shellId: wanted.shellId ?? null,
      viewOnly: wanted.viewOnly,
    });
  }

  /**
   * Checks a console WebSocket before it is accepted: its origin, its one-time ticket and
   * what stands behind the ticket. A refusal is audited and handed back, not thrown, because
   * it is told to the browser over the socket.
   */
  async admit(knock: ConsoleKnock): Promise<Admission> {
    const params = SocketParams.safeParse(knock.params);
    const query = SocketQuery.safeParse(knock.query);
    try {
      if (!params.success) throw badRequest('the console kind is vnc, serial or shell');
      if (!query.success) throw badRequest('the ticket is too long');
      if (!originAllowed(knock.origin, knock.host, this.deps.allowedOrigins)) {
        throw forbidden(`consoles cannot be opened from ${knock.origin}`);
      }
      const instance = await this.deps.hosts.findInstance(params.data.id);
      const grant = await this.deps.tickets.redeem(query.data.ticket, {
        instanceId: instance.id,
        kind: params.data.kind,
      });
      if (!(await this.grantHolds(grant)))
        throw unauthorized('the login, token or share link behind this ticket has ended');
      return {
        grant,
        actor: await this.actorOf(grant, knock.requester.ip),
        record: await this.deps.recordings.shouldRecord(grant),
      };
    } catch (err) {
      if (knock.requester.ip) this.refusals.refused(knock.requester.ip);
      await this.audited(knock.requester, {
        action: 'console.refused',
        targetType: 'instance',
        targetId: params.success ? params.data.id : null,
        outcome: isRefusal(err) ? 'denied' : 'failure',
        detail: { kind: params.success ? params.data.kind : null, reason: (err as Error).message },
      });
      return { refused: err };
    }
  }

  /** Who a console is used by, for its audit rows: the ticket's user, or the share link. */
  private async actorOf(grant: ConsoleGrant, ip: string | null): Promise<Actor> {
    if (grant.shareLinkId) {
      const link = await this.deps.shareLinks.get(grant.shareLinkId);
      return { userId: null, name: `share link ${link.id.slice(0, 8)} (by ${link.createdBy})`, ip };
    }
    const name = grant.userId ? await this.deps.auth.username(grant.userId) : null;
    return { userId: grant.userId, name: name ?? 'unknown', ip };
  }

  /**
   * Consoles open and close with no request to fail: an audit row the database refuses goes to
   * the log. Answers the row's id, or null when it was not written.
   */
  private audited(actor: Actor, entry: AuditEntry): Promise<string | null> {
    return this.deps.audit.record(actor, entry).catch((err: unknown) => {
      this.deps.log.error({ err, audit: { actor: actor.name, ...entry } }, 'audit row not written');
      return null;
    });
  }

  /**
   * Whether an admitted console fits under the caps (per user or share link, per shell or
   * screen): the refusal to close it with, audited, or null. Counted and, by `relay` in the
   * same turn, added with no await in between, so racing sockets cannot share the last place.
   */
  capRefusal({ grant, actor }: Admitted): Error | null {
    const refusal = socketCapRefusal(grant, this.open.grants(), this.limits);
    if (refusal) {
      void this.audited(actor, {
        action: 'console.refused',
        targetType: 'instance',
        targetId: grant.instanceId,
        outcome: 'denied',
        detail: { kind: grant.kind, reason: refusal.message },
      });
    }
    return refusal;
  }

  /** Relays an admitted browser socket to the agent's console until either side closes. */
  relay(client: WebSocket, { grant, actor, record }: Admitted): void {
    const started = Date.now();
    const agent = this.deps.hosts.client(grant.hostId).consoleSocket(agentPath(grant));
    const target = { targetType: 'instance', targetId: grant.instanceId };
    const detail = {
      kind: grant.kind,
      viewOnly: grant.viewOnly,
      recorded: record,
      ...(grant.shellId ? { shellId: grant.shellId } : {}),
      ...(grant.shareLinkId ? { shareLinkId: grant.shareLinkId } : {}),
    };
    const opened = this.audited(actor, {
      action: 'console.open',
      outcome: 'success',
      ...target,
      detail,
    });
    const recording = record ? this.deps.recordings.begin(grant, actor, opened) : null;
    // Typing in a console is no request, yet it is use: it keeps the login from idling out
    // under an operator who works in one console for longer than the idle timeout.
    let touched = Date.now();
    const keepAlive = (): void => {
      if (!grant.sessionId || Date.now() - touched < SESSION_TOUCH_MS) return;
      touched = Date.now();
      void this.deps.auth.touch(grant.sessionId);
    };
    let forget = (): void => undefined;
    const end = relayWebSockets(client, agent, {
      filter: grant.viewOnly ? viewOnlyFilter(grant.kind) : undefined,
      tap: {
        fromClient: (data, isBinary) => {
          keepAlive();
          recording?.tap?.fromClient(data, isBinary);
        },
        fromAgent: (data, isBinary) => recording?.tap?.fromAgent(data, isBinary),
      },
      onClose: (stats) => {
        forget();
        const seconds = Math.round((Date.now() - started) / 1000);
        void (recording?.end() ?? Promise.resolve(null)).then((rec) =>
          this.audited(actor, {
            action: 'console.close',
            outcome: 'success',
            ...target,
            detail: { ...detail, seconds, ...stats, ...(rec ? { recording: rec } : {}) },
          }),
        );
      },
    });
    forget = this.open.add(grant, end);
  }

  async listShareLinks(id: string): Promise<ShareLink[]> {
    const instance = await this.deps.hosts.findInstance(id);
    return this.deps.shareLinks.list(instance.id);
  }

  async createShareLink(
    p: Principal,
    id: string,
    input: CreateShareLink,
    note: AuditNote,
  ): Promise<CreatedShareLink> {
    const instance = await this.deps.hosts.findInstance(id);
    checkKind(instance, input.kind);
    // An interactive link lets anyone holding it type: no more than its maker may.
    if (input.mode === 'interactive') mayType(p, instance);
    if (input.shellId) await this.deps.shells.owned(p, instance, input.shellId);
    const link = await this.deps.shareLinks.create(p, instance, input);
    note.detail = { ...note.detail, shareLinkId: link.id };
    return link;
  }

  /** Revokes a link and closes every console opened through it. */
  async revokeShareLink(p: Principal, linkId: string, note: AuditNote): Promise<void> {
    const existing = await this.deps.shareLinks.get(linkId);
    // Scoped like its instance; a link to an instance gone since needs a console-wide grant.
    const instance = await this.deps.hosts.findInstance(existing.instanceId).catch(() => undefined);
    if (!can(p, 'instance.share', instance))
      throw forbidden('this needs the instance.share permission');
    const link = await this.deps.shareLinks.revoke(linkId);
    note.detail = { instanceId: link.instanceId };
    // The viewer is told the link is over, not that a session of theirs ended.
    this.open.endWhere((g) => g.shareLinkId === link.id, 'this share link was revoked');
  }

  /** Trades a share link's token for a one-time ticket; every use is counted and audited. */
  async redeemShareLink(token: string, note: AuditNote): Promise<SharedConsole> {
    const link = await this.deps.shareLinks.use(token);
    note.targetId = link.id;
    const instance = await this.deps.hosts.findInstance(link.instanceId);
    note.detail = { instanceId: instance.id, kind: link.kind, mode: link.mode };
    const issued = await this.issue({
      userId: null,
      sessionId: null,
      tokenId: null,
      shareLinkId: link.id,
      hostId: instance.hostId,
      instanceId: instance.id,
      kind: link.kind as ConsoleKind,
      shellId: link.shellId,
      viewOnly: link.mode === 'view',
    });
    return {
      ...issued,
      instance: { id: instance.id, name: instance.name, kind: instance.kind },
      linkExpiresAt: link.expiresAt.toISOString(),
    };
  }
}
