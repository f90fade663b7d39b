import type { FastifyInstance } from 'fastify';
import { ApplyHostUpdates, HostUpdates, OperationAccepted, UpdatesQuery } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { HostUpdates as Updates } from '../updates/host-updates.js';

export async function updateRoutes(app: FastifyInstance, { updates }: { updates: Updates }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/updates',
    { schema: { querystring: UpdatesQuery, response: { 200: HostUpdates } } },
    (req) => updates.status(req.query.refresh),
  );

  r.post(
    '/v1/updates/apply',
    { schema: { body: ApplyHostUpdates, response: { 202: OperationAccepted } } },
    async (req, reply) =>
      reply.status(202).send({ operation: await updates.apply(req.body.simulate) }),
  );
}
