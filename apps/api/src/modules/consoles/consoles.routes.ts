import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ConsoleTicket,
  CreateConsoleTicket,
  CreateShareLink,
  CreateShell,
  CreatedShareLink,
  InstanceRef,
  RedeemShareLink,
  ShareLink,
  SharedConsole,
  ShellSession,
  listOf,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { ConsolesService } from './consoles.service.js';
import type { Shells } from './shells.js';

const ShellParams = InstanceRef.extend({ shellId: z.uuid() });
const tags = ['consoles'];

/** Shell sessions, console tickets and share links; the console WebSocket has its own file. */
export async function consoleRoutes(
  app: FastifyInstance,
  { consoles, shells }: { consoles: ConsolesService; shells: Shells },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/instances/:id/shells',
    {
      config: { permission: 'instance.console' },
      schema: {
        tags,
        description: "Your open shell sessions in a container (an admin's: everyone's).",
        params: InstanceRef,
        response: { 200: listOf(ShellSession) },
      },
    },
    async (req) => shells.list(principalOf(req), req.params.id),
  );

  r.post(
    '/api/v1/instances/:id/shells',
    {
      config: { permission: 'instance.console' },
      schema: {
        tags,
        description:
          'Opens a shell (a pty running lxc-attach) in a running container. Attach with a console ticket of kind "shell". Nobody attached for a few minutes ends it.',
        params: InstanceRef,
        body: optionalBody(CreateShell),
        response: { 201: ShellSession },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'shell.open', targetType: 'instance', targetId: req.params.id };
      const p = principalOf(req);
      const shell = await shells.open(p, req.params.id, req.body, req.auditNote);
      return reply.status(201).send(shell);
    },
  );

  r.delete(
    '/api/v1/instances/:id/shells/:shellId',
    { config: { permission: 'instance.console' }, schema: { tags, params: ShellParams } },
    async (req, reply) => {
      req.auditNote = {
        action: 'shell.end',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { shellId: req.params.shellId },
      };
      await shells.end(principalOf(req), req.params.id, req.params.shellId);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/instances/:id/console-tickets',
    {
      // A view-only console needs only this; the service asks instance.console for typing.
      config: { permission: 'instance.console.view' },
      schema: {
        tags,
        description:
          'A one-time ticket for one console of this instance, valid for 30 seconds. View-only tickets need instance.console.view; typing needs instance.console. Session cookies and API tokens both work, so other tools can embed consoles. At most 50 unused tickets per user (BERTH_CONSOLE_MAX_TICKETS): past that a 429 with Retry-After. The answer says whether the console will be recorded.',
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
      return reply
        .status(201)
        .send(await consoles.issueTicket(principalOf(req), req.params.id, req.body));
    },
  );

  r.get(
    '/api/v1/instances/:id/share-links',
    {
      config: { permission: 'instance.share' },
      schema: { tags, params: InstanceRef, response: { 200: listOf(ShareLink) } },
    },
    async (req) => ({ items: await consoles.listShareLinks(req.params.id) }),
  );

  r.post(
    '/api/v1/instances/:id/share-links',
    {
      config: { permission: 'instance.share' },
      schema: {
        tags,
        description:
          'A link that opens one console of this instance without an account, view-only or interactive (which also needs instance.console), until it expires or is revoked. The token is shown once.',
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
      const link = await consoles.createShareLink(
        principalOf(req),
        req.params.id,
        req.body,
        req.auditNote,
      );
      return reply.status(201).send(link);
    },
  );

  r.delete(
    '/api/v1/share-links/:linkId',
    {
      config: { permission: 'instance.share' },
      schema: { tags, params: z.object({ linkId: z.uuid() }) },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'share.revoke',
        targetType: 'share-link',
        targetId: req.params.linkId,
      };
      await consoles.revokeShareLink(principalOf(req), req.params.linkId, req.auditNote);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/share/redeem',
    {
      config: { public: true },
      schema: {
        tags,
        description:
          "A share link's page trades the link's token for a one-time console ticket; no login needed. Every use is audited.",
        body: RedeemShareLink,
        response: { 201: SharedConsole },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'share.use', targetType: 'share-link' };
      const shared = await consoles.redeemShareLink(req.body.token, req.auditNote);
      return reply.status(201).send(shared);
    },
  );
}
