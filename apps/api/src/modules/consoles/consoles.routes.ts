import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import {
  ConsoleKind,
  ConsoleTicket,
  CreateConsoleTicket,
  CreateShareLink,
  CreateShell,
  CreatedShareLink,
  type Instance,
  InstanceRef,
  ShareLink,
  SharedConsole,
  ShellSession,
  optionalBody,
  badRequest,
  forbidden,
  notFound,
  unauthorized,
} from '@berth/contracts';
import { closeWithError, type ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../agents/hosts.js';
import type { Actor, Audit } from '../audit/audit.service.js';
import type { Auth, Principal } from '../auth/auth.service.js';
import { actorOf, requireRole } from '../auth/plugin.js';
import { OpenConsoles } from '../consoles/open-consoles.js';
import { originAllowed } from '../consoles/origin.js';
import { type InputFilter, relayWebSockets } from '../consoles/relay.js';
import { RfbViewOnlyFilter } from '../consoles/rfb-view-only.js';
import type { ShareLinks } from '../consoles/share-links.service.js';
import { type ConsoleGrant, type ConsoleTickets, isRefusal } from '../consoles/tickets.service.js';

const ShellParams = InstanceRef.extend({ shellId: z.uuid() });

/** Shells are ended on logout by this tag, which the agent keeps beside each shell. */
const loginOf = (p: { sessionId?: string | null; tokenId?: string | null }) =>
  p.sessionId ? `session:${p.sessionId}` : p.tokenId ? `token:${p.tokenId}` : null;

function agentPath(grant: ConsoleGrant): string {
  const id = encodeURIComponent(grant.instanceId);
  return grant.kind === 'shell'
    ? `/v1/instances/${id}/shells/${encodeURIComponent(grant.shellId ?? '')}/attach`
    : `/v1/instances/${id}/console/${grant.kind}`;
}

/** What a view-only viewer may still send: the VNC handshake and update requests; nothing else. */
function viewOnlyFilter(kind: ConsoleKind): InputFilter {
  if (kind !== 'vnc') return () => null;
  const rfb = new RfbViewOnlyFilter();
  return (data) => rfb.push(data);
}

function checkKind(instance: Instance, kind: ConsoleKind): void {
  if (kind === 'shell' && instance.kind !== 'ct') {
    throw badRequest('shells are for containers; a VM has its screen and serial console', 'kind');
  }
  if (kind !== 'shell' && instance.kind !== 'vm') {
    throw badRequest(`containers have no ${kind} console; open a shell`, 'kind');
  }
}

/**
 * Consoles: shell sessions, one-time tickets, share links, and the WebSocket that relays a
 * ticket-holder to the agent's console. Refusals and every open and close are audited.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  opts: {
    hosts: Hosts;
    auth: Auth;
    audit: Audit;
    tickets: ConsoleTickets;
    shareLinks: ShareLinks;
    allowedOrigins: readonly string[];
  },
) {
  const { hosts, auth, audit, tickets, shareLinks } = opts;
  const r = app.withTypeProvider<ZodTypeProvider>();
  /** A login or token is over: its consoles close and the shells it opened end. */
  const credentialEnded = (ended: { sessionId?: string; tokenId?: string }) => {
    open.endWhere(
      (g) =>
        (!!ended.sessionId && g.sessionId === ended.sessionId) ||
        (!!ended.tokenId && g.tokenId === ended.tokenId),
    );
    const login = loginOf(ended);
    if (!login) return;
    for (const client of hosts.clients()) {
      client.endShellsOf(login).catch((err: Error) => app.log.warn(err.message));
    }
  };
  /** Whether the login, token or share link a console was opened with still holds. */
  const grantHolds = (g: ConsoleGrant) =>
    g.shareLinkId ? shareLinks.stillValid(g.shareLinkId) : auth.stillValid(toCredential(g));
  // Sessions also just expire, with no request to notice it: open consoles check on a timer.
  const open: OpenConsoles = new OpenConsoles(grantHolds, (g) =>
    g.shareLinkId
      ? open.endWhere((o) => o.shareLinkId === g.shareLinkId)
      : credentialEnded(toCredential(g)),
  );
  app.addHook('onClose', async () => open.close());
  auth.onCredentialEnded(credentialEnded);

  async function issue(grant: ConsoleGrant): Promise<ConsoleTicket> {
    const { ticket, expiresAt } = await tickets.issue(grant);
    const { instanceId, kind, viewOnly } = grant;
    return {
      ticket,
      expiresAt: expiresAt.toISOString(),
      path: `/api/v1/instances/${instanceId}/console/${kind}?ticket=${encodeURIComponent(ticket)}`,
      kind,
      viewOnly,
    };
  }

  /** A user sees and uses the shells they opened; an admin, everyone's. */
  const shellsOf = (p: Principal, instance: Instance & { hostId: string }) =>
    hosts.client(instance.hostId).listShells(instance.id, p.role === 'admin' ? undefined : p.id);

  /** Only the shell's owner (or an admin) may attach to it, end it or share it. */
  async function ownedShell(p: Principal, instance: Instance & { hostId: string }, id: string) {
    const { items } = await shellsOf(p, instance);
    const shell = items.find((s) => s.id === id);
    if (!shell) throw notFound(`shell session ${id} (it may have ended)`);
    return shell;
  }

  r.get(
    '/api/v1/instances/:id/shells',
    {
      schema: {
        tags: ['consoles'],
        description: "Your open shell sessions in a container (an admin's: everyone's).",
        params: InstanceRef,
        response: { 200: z.object({ items: z.array(ShellSession) }) },
      },
    },
    async (req) => {
      const p = requireRole(req, 'operator');
      const instance = await hosts.findInstance(req.params.id);
      if (instance.kind !== 'ct') return { items: [] };
      return shellsOf(p, instance);
    },
  );

  r.post(
    '/api/v1/instances/:id/shells',
    {
      schema: {
        tags: ['consoles'],
        description:
          'Opens a shell (a pty running lxc-attach) in a running container. Attach with a console ticket of kind "shell". Nobody attached for a few minutes ends it.',
        params: InstanceRef,
        body: optionalBody(CreateShell),
        response: { 201: ShellSession },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'shell.open', targetType: 'instance', targetId: req.params.id };
      const p = requireRole(req, 'operator');
      const instance = await hosts.findInstance(req.params.id);
      checkKind(instance, 'shell');
      const shell = await hosts
        .client(instance.hostId)
        .openShell(instance.id, { ...req.body, ownerId: p.id, login: loginOf(p) });
      req.auditNote.detail = { shellId: shell.id, program: shell.program, user: shell.user };
      return reply.status(201).send(shell);
    },
  );

  r.delete(
    '/api/v1/instances/:id/shells/:shellId',
    { schema: { tags: ['consoles'], params: ShellParams } },
    async (req, reply) => {
      req.auditNote = {
        action: 'shell.end',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { shellId: req.params.shellId },
      };
      const p = requireRole(req, 'operator');
      const instance = await hosts.findInstance(req.params.id);
      await ownedShell(p, instance, req.params.shellId);
      await hosts.client(instance.hostId).endShell(instance.id, req.params.shellId);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/instances/:id/console-tickets',
    {
      schema: {
        tags: ['consoles'],
        description:
          'A one-time ticket for one console of this instance, valid for 30 seconds. Viewers get view-only tickets; typing needs the operator role. Session cookies and API tokens both work, so other tools can embed consoles.',
        params: InstanceRef,
        body: CreateConsoleTicket,
        response: { 201: ConsoleTicket },
      },
    },
    async (req, reply) => {
      const { kind, shellId, viewOnly } = req.body;
      req.auditNote = {
        action: 'console.ticket',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { kind, viewOnly, ...(shellId ? { shellId } : {}) },
      };
      const p = requireRole(req, viewOnly ? 'viewer' : 'operator');
      const instance = await hosts.findInstance(req.params.id);
      checkKind(instance, kind);
      if (shellId) await ownedShell(p, instance, shellId);
      const issued = await issue({
        userId: p.id,
        sessionId: p.sessionId ?? null,
        tokenId: p.tokenId ?? null,
        shareLinkId: null,
        hostId: instance.hostId,
        instanceId: instance.id,
        kind,
        shellId: shellId ?? null,
        viewOnly,
      });
      return reply.status(201).send(issued);
    },
  );

  // The ticket is checked before the handler; a refusal still upgrades and then closes with
  // 4401/4403 and its reason, because a browser cannot read a refused upgrade's answer.
  const checked = new WeakMap<
    FastifyRequest,
    { grant: ConsoleGrant; actor: Actor } | { refused: unknown }
  >();
  app.register(async (scoped) => {
    scoped.addHook('preValidation', async (req) => {
      const params = z
        .object({ id: InstanceRef.shape.id, kind: ConsoleKind })
        .safeParse(req.params);
      const ticket = z.object({ ticket: z.string().max(200).optional() }).safeParse(req.query);
      try {
        if (!params.success) throw badRequest('the console kind is vnc, serial or shell');
        if (!ticket.success) throw badRequest('the ticket is too long');
        if (!originAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
          throw forbidden(`consoles cannot be opened from ${req.headers.origin}`);
        }
        const instance = await hosts.findInstance(params.data.id);
        const grant = await tickets.redeem(ticket.data.ticket, {
          instanceId: instance.id,
          kind: params.data.kind,
        });
        if (!(await grantHolds(grant)))
          throw unauthorized('the login, token or share link behind this ticket has ended');
        const actor = await grantActor(grant, req);
        checked.set(req, { grant, actor });
      } catch (err) {
        await audit.record(actorOf(req), {
          action: 'console.refused',
          targetType: 'instance',
          targetId: params.success ? params.data.id : null,
          outcome: isRefusal(err) ? 'denied' : 'failure',
          detail: {
            kind: params.success ? params.data.kind : null,
            reason: (err as Error).message,
          },
        });
        checked.set(req, { refused: err });
      }
    });

    scoped.get(
      '/api/v1/instances/:id/console/:kind',
      {
        websocket: true,
        config: { public: true },
        schema: {
          tags: ['consoles'],
          description:
            'The console WebSocket: open it with ?ticket=<one-time ticket>. vnc is raw RFB; serial raw bytes; shell has binary terminal bytes and JSON text control frames. A refusal (no, used or expired ticket: 4401; another instance or kind, foreign Origin: 4403; the instance stopped: 4409) closes the socket with that code and the reason.',
        },
      },
      (client: WebSocket, req) => {
        const held = checked.get(req) ?? { refused: forbidden('no console grant') };
        if ('refused' in held) {
          closeWithError(client, held.refused);
          return;
        }
        const { grant, actor } = held;
        const started = Date.now();
        const agent = hosts.client(grant.hostId).consoleSocket(agentPath(grant));
        const target = {
          targetType: 'instance',
          targetId: grant.instanceId,
        };
        const detail = {
          kind: grant.kind,
          viewOnly: grant.viewOnly,
          ...(grant.shellId ? { shellId: grant.shellId } : {}),
          ...(grant.shareLinkId ? { shareLinkId: grant.shareLinkId } : {}),
        };
        void audit.record(actor, { action: 'console.open', outcome: 'success', ...target, detail });
        let forget = (): void => undefined;
        const end = relayWebSockets(client, agent, {
          filter: grant.viewOnly ? viewOnlyFilter(grant.kind) : undefined,
          onClose: (stats) => {
            forget();
            void audit.record(actor, {
              action: 'console.close',
              outcome: 'success',
              ...target,
              detail: { ...detail, seconds: Math.round((Date.now() - started) / 1000), ...stats },
            });
          },
        });
        forget = open.add(grant, end);
      },
    );
  });

  async function grantActor(grant: ConsoleGrant, req: FastifyRequest): Promise<Actor> {
    if (grant.shareLinkId) {
      const link = await shareLinks.get(grant.shareLinkId);
      return {
        userId: null,
        name: `share link ${link.id.slice(0, 8)} (by ${link.createdBy})`,
        ip: req.ip,
      };
    }
    const name = grant.userId ? await auth.username(grant.userId) : null;
    return { userId: grant.userId, name: name ?? 'unknown', ip: req.ip };
  }

  r.get(
    '/api/v1/instances/:id/share-links',
    {
      schema: {
        tags: ['consoles'],
        params: InstanceRef,
        response: { 200: z.object({ items: z.array(ShareLink) }) },
      },
    },
    async (req) => {
      requireRole(req, 'operator');
      const instance = await hosts.findInstance(req.params.id);
      return { items: await shareLinks.list(instance.id) };
    },
  );

  r.post(
    '/api/v1/instances/:id/share-links',
    {
      schema: {
        tags: ['consoles'],
        description:
          'A link that opens one console of this instance without an account, view-only or interactive, until it expires or is revoked. The token is shown once.',
        params: InstanceRef,
        body: CreateShareLink,
        response: { 201: CreatedShareLink },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'share.create',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { kind: req.body.kind, mode: req.body.mode, minutes: req.body.expiresInMinutes },
      };
      const p = requireRole(req, 'operator');
      const instance = await hosts.findInstance(req.params.id);
      checkKind(instance, req.body.kind);
      if (req.body.shellId) await ownedShell(p, instance, req.body.shellId);
      const link = await shareLinks.create(p, instance, req.body);
      req.auditNote.detail = { ...req.auditNote.detail, shareLinkId: link.id };
      return reply.status(201).send(link);
    },
  );

  r.delete(
    '/api/v1/share-links/:linkId',
    { schema: { tags: ['consoles'], params: z.object({ linkId: z.uuid() }) } },
    async (req, reply) => {
      req.auditNote = {
        action: 'share.revoke',
        targetType: 'share-link',
        targetId: req.params.linkId,
      };
      requireRole(req, 'operator');
      const link = await shareLinks.revoke(req.params.linkId);
      req.auditNote.detail = { instanceId: link.instanceId };
      open.endWhere((g) => g.shareLinkId === link.id);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/share/redeem',
    {
      config: { public: true },
      schema: {
        tags: ['consoles'],
        description:
          "A share link's page trades the link's token for a one-time console ticket; no login needed. Every use is audited.",
        body: z.object({ token: z.string().min(1).max(200) }).strict(),
        response: { 201: SharedConsole },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'share.use', targetType: 'share-link' };
      const link = await shareLinks.use(req.body.token);
      req.auditNote.targetId = link.id;
      const instance = await hosts.findInstance(link.instanceId);
      req.auditNote.detail = { instanceId: instance.id, kind: link.kind, mode: link.mode };
      const kind = link.kind as ConsoleKind;
      const viewOnly = link.mode === 'view';
      const issued = await issue({
        userId: null,
        sessionId: null,
        tokenId: null,
        shareLinkId: link.id,
        hostId: instance.hostId,
        instanceId: instance.id,
        kind,
        shellId: link.shellId,
        viewOnly,
      });
      return reply.status(201).send({
        ...issued,
        instance: { id: instance.id, name: instance.name, kind: instance.kind },
        linkExpiresAt: link.expiresAt.toISOString(),
      });
    },
  );
}

const toCredential = (g: ConsoleGrant) => ({
  sessionId: g.sessionId ?? undefined,
  tokenId: g.tokenId ?? undefined,
});
