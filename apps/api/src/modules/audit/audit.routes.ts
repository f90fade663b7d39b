import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AuditEvent, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import { Limit } from '../limit.js';
import type { Audit } from './audit.service.js';

export async function auditRoutes(app: FastifyInstance, { audit }: { audit: Audit }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['audit'],
        querystring: z.object({ limit: Limit }),
        response: { 200: listOf(AuditEvent) },
      },
    },
    async (req) => {
      requireRole(req, 'admin');
      return { items: await audit.list(req.query.limit) };
    },
  );
}
