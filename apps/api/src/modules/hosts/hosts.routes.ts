import type { FastifyInstance } from 'fastify';
import { Host, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import type { Hosts } from './hosts.service.js';

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
}
