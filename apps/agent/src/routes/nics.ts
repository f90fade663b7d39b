import type { FastifyInstance } from 'fastify';
import {
  AddVmNicRequest,
  InstanceNicRef,
  InstanceNics,
  InstanceRef,
  OperationAccepted,
  SetCtAdapterRequest,
  SetNicLinkRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { NicChanges } from '../instances/vm-nics.js';

export async function nicRoutes(app: FastifyInstance, { nics }: { nics: NicChanges }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/instances/:id/nics',
    { schema: { params: InstanceRef, response: { 200: InstanceNics } } },
    async (req) => nics.list(req.params.id),
  );

  r.post(
    '/v1/instances/:id/nics',
    {
      schema: { params: InstanceRef, body: AddVmNicRequest, response: { 202: OperationAccepted } },
    },
    async (req, reply) =>
      reply.status(202).send({ operation: await nics.add(req.params.id, req.body) }),
  );

  r.delete(
    '/v1/instances/:id/nics/:nic',
    { schema: { params: InstanceNicRef, response: { 202: OperationAccepted } } },
    async (req, reply) =>
      reply.status(202).send({ operation: await nics.remove(req.params.id, req.params.nic) }),
  );

  r.patch(
    '/v1/instances/:id/nics/:nic',
    {
      schema: {
        params: InstanceNicRef,
        body: SetNicLinkRequest,
        response: { 200: InstanceNics },
      },
    },
    async (req) => nics.setLink(req.params.id, req.params.nic, req.body.link),
  );

  r.patch(
    '/v1/instances/:id/nics/:nic/settings',
    {
      schema: {
        params: InstanceNicRef,
        body: SetCtAdapterRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) =>
      reply
        .status(202)
        .send({ operation: await nics.settings(req.params.id, req.params.nic, req.body) }),
  );
}
