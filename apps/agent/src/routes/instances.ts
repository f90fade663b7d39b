import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ActionOptions,
  CreateContainer,
  DeleteOptions,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  InstanceList,
  OperationAccepted,
  UpdateInstance,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Containers } from '../instances/containers.js';

const IdParams = z.object({
  id: z.string().regex(/^([0-9a-f-]{36}|\d+)$/, 'an instance UUID or CT ID'),
});

export async function instanceRoutes(
  app: FastifyInstance,
  { containers }: { containers: Containers },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/instances', { schema: { response: { 200: InstanceList } } }, async () => ({
    items: await containers.list(),
  }));

  r.get(
    '/v1/instances/:id',
    { schema: { params: IdParams, response: { 200: Instance } } },
    async (req) => containers.get(req.params.id),
  );

  r.post(
    '/v1/instances',
    { schema: { body: CreateContainer, response: { 202: OperationAccepted } } },
    async (req, reply) => reply.status(202).send({ operation: await containers.create(req.body) }),
  );

  r.patch(
    '/v1/instances/:id',
    { schema: { params: IdParams, body: UpdateInstance, response: { 200: Instance } } },
    async (req) => containers.update(req.params.id, req.body),
  );

  r.post(
    '/v1/instances/:id/actions/:action',
    {
      schema: {
        params: IdParams.extend({ action: InstanceAction }),
        body: optionalBody(ActionOptions),
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await containers.precheck(req.params.id, req.params.action);
      return reply
        .status(202)
        .send({ operation: containers.action(req.params.id, req.params.action, req.body) });
    },
  );

  r.post(
    '/v1/instances/:id/exec',
    { schema: { params: IdParams, body: ExecRequest, response: { 200: ExecResult } } },
    async (req) => containers.exec(req.params.id, req.body),
  );

  r.delete(
    '/v1/instances/:id',
    {
      schema: {
        params: IdParams,
        querystring: DeleteOptions,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await containers.precheck(req.params.id, 'delete', req.query.force);
      return reply
        .status(202)
        .send({ operation: containers.delete(req.params.id, req.query.force) });
    },
  );
}
