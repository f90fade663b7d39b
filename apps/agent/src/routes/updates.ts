import type { FastifyInstance } from 'fastify';
import {
  ApplyHostUpdates,
  ContainerUpdates as ContainerUpdatesView,
  CtTemplateName,
  TemplatePackages,
  HostUpdates as HostUpdatesView,
  InstanceRef,
  OperationAccepted,
  UpdatesQuery,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { z } from 'zod';
import type { Templates } from '../templates/templates.js';
import type { ContainerUpdates } from '../updates/container-updates.js';
import type { HostUpdates } from '../updates/host-updates.js';

export async function updateRoutes(
  app: FastifyInstance,
  {
    host,
    containers,
    templates,
  }: { host: HostUpdates; containers: ContainerUpdates; templates: Templates },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/updates',
    { schema: { querystring: UpdatesQuery, response: { 200: HostUpdatesView } } },
    (req) => host.status(req.query.refresh),
  );

  r.post(
    '/v1/updates/apply',
    { schema: { body: ApplyHostUpdates, response: { 202: OperationAccepted } } },
    async (req, reply) =>
      reply.status(202).send({ operation: await host.apply(req.body.simulate) }),
  );

  r.get(
    '/v1/instances/:id/updates',
    { schema: { params: InstanceRef, response: { 200: ContainerUpdatesView } } },
    (req) => containers.list(req.params.id),
  );

  r.post(
    '/v1/instances/:id/updates/apply',
    { schema: { params: InstanceRef, response: { 202: OperationAccepted } } },
    async (req, reply) =>
      reply.status(202).send({ operation: await containers.apply(req.params.id) }),
  );

  r.get(
    '/v1/templates/:name/packages',
    {
      schema: {
        params: z.strictObject({ name: CtTemplateName }),
        response: { 200: TemplatePackages },
      },
    },
    (req) => templates.packages(req.params.name),
  );
}
