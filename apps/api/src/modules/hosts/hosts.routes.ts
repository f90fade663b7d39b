import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Host, Leftover, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import type { Hosts } from './hosts.service.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });
const LeftoverParams = z.strictObject({ hostId: HostParams.shape.hostId, id: Leftover.shape.id });

export async function hostRoutes(app: FastifyInstance, { hosts }: { hosts: Hosts }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/hosts',
    { schema: { tags: ['hosts'], response: { 200: listOf(Host) } } },
    async (req) => {
      requireRole(req, 'viewer');
      return { items: await hosts.list() };
    },
  );

  // Leftovers are paths on the host and deleting one cannot be undone: admins only.
  r.get(
    '/api/v1/hosts/:hostId/leftovers',
    {
      schema: {
        tags: ['hosts'],
        description: 'Remains of interrupted work that the agent moved aside ("needs attention").',
        params: HostParams,
        response: { 200: listOf(Leftover) },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return hosts.leftovers(req.params.hostId);
    },
  );

  r.delete(
    '/api/v1/hosts/:hostId/leftovers/:id',
    { schema: { tags: ['hosts'], params: LeftoverParams } },
    async (req, reply) => {
      req.auditNote = {
        action: 'leftover.delete',
        targetType: 'leftover',
        targetId: req.params.id,
        detail: { hostId: req.params.hostId },
      };
      requireRole(req, 'admin');
      await hosts.deleteLeftover(req.params.hostId, req.params.id);
      return reply.status(204).send();
    },
  );
}
