import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import {
  AgentShellFilter,
  AgentShellRef,
  CreateAgentShell,
  EndLoginShells,
  EndedShells,
  InstanceRef,
  ShellSession,
  listOf,
} from '@berth/contracts';
import { closeWithError, type ZodTypeProvider } from '@berth/fastify-kit';
import { SerialHub } from '../consoles/serial-hub.js';
import { resolveShell } from '../consoles/shell-target.js';
import type { Shells } from '../consoles/shells.js';
import { relaySocket } from '../consoles/socket-relay.js';
import type { Instances } from '../instances/instances.js';

/**
 * Consoles as WebSockets for the API to relay: a VM's VNC and serial sockets, and shells in
 * containers. A refusal after the upgrade closes with 4000 + the HTTP status it would have had.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  { instances, shells }: { instances: Instances; shells: Shells },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const serial = new SerialHub();

  r.get('/v1/instances/:id/console/vnc', { websocket: true }, async (ws, req) => {
    const { id } = InstanceRef.parse(req.params);
    try {
      const sockets = await instances.consoleSockets(id);
      const socket = connect(sockets.vnc);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      relaySocket(ws, socket);
    } catch (err) {
      closeWithError(ws, err);
    }
  });

  r.get('/v1/instances/:id/console/serial', { websocket: true }, async (ws, req) => {
    const { id } = InstanceRef.parse(req.params);
    try {
      const sockets = await instances.consoleSockets(id);
      await serial.attach(sockets.vmId, sockets, ws);
    } catch (err) {
      closeWithError(ws, err);
    }
  });

  r.get(
    '/v1/instances/:id/shells',
    {
      schema: {
        params: InstanceRef,
        querystring: AgentShellFilter,
        response: { 200: listOf(ShellSession) },
      },
    },
    async (req) => {
      const { id } = await instances.get(req.params.id);
      return { items: shells.list({ instanceId: id, ownerId: req.query.ownerId }) };
    },
  );

  r.post(
    '/v1/instances/:id/shells',
    {
      schema: {
        params: InstanceRef,
        body: CreateAgentShell,
        response: { 201: ShellSession },
      },
    },
    async (req, reply) => {
      const { record, pid } = await instances.runningContainer(req.params.id);
      const settings = record.shell ?? { program: null, user: null };
      const target = await resolveShell(pid, settings, async () => {
        const result = await instances.containers.lxc.attach(record.ctid, ['cat', '/etc/passwd'], {
          timeoutMs: 10_000,
        });
        return result.stdout;
      });
      const { cols, rows, ownerId, login } = req.body;
      const session = shells.open(record, target, { cols, rows }, { ownerId, login });
      return reply.status(201).send(session);
    },
  );

  r.delete(
    '/v1/instances/:id/shells/:shellId',
    { schema: { params: AgentShellRef } },
    async (req, reply) => {
      const { id } = await instances.get(req.params.id);
      await shells.end(id, req.params.shellId);
      return reply.status(204).send();
    },
  );

  r.post(
    '/v1/shells/end',
    {
      schema: {
        description: "Ends every shell one login opened (the API calls it on the user's logout).",
        body: EndLoginShells,
        response: { 200: EndedShells },
      },
    },
    async (req) => ({ ended: await shells.endWhere({ login: req.body.login }) }),
  );

  r.get('/v1/instances/:id/shells/:shellId/attach', { websocket: true }, (ws, req) => {
    try {
      const { id, shellId } = AgentShellRef.parse(req.params);
      shells.attach(id, shellId, ws);
    } catch (err) {
      closeWithError(ws, err);
    }
  });
}
