import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Host, Leftover, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from './hosts.service.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });
const LeftoverParams = z.strictObject({ hostId: HostParams.shape.hostId, id: Leftover.shape.id });

export async function hostRoutes(app: FastifyInstance, { hosts }: { hosts: Hosts }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/hosts',
    {
      config: { permission: 'host.view' },
      schema: { tags: ['hosts'], response: { 200: listOf(Host) } },
    },
    async () => ({ items: await hosts.list() }),
  );

  // Leftovers are paths on the host and deleting one cannot be undone: host managers only.
  r.get(
    '/api/v1/hosts/:hostId/leftovers',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags: ['hosts'],
        description: 'Remains of interrupted work that the agent moved aside ("needs attention").',
        params: HostParams,
        response: { 200: listOf(Leftover) },
      },
    },
    async (req) => hosts.leftovers(req.params.hostId),
  );

  r.delete(
    '/api/v1/hosts/:hostId/leftovers/:id',
    { config: { permission: 'host.manage' }, schema: { tags: ['hosts'], params: LeftoverParams } },
    async (req, reply) => {
      req.auditNote = {
        action: 'leftover.delete',
        targetType: 'leftover',
        targetId: req.params.id,
        detail: { hostId: req.params.hostId },
      };
      await hosts.deleteLeftover(req.params.hostId, req.params.id);
      return reply.status(204).send();
    },
  );
}
