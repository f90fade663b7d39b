import type { FastifyInstance } from 'fastify';
import {
  CreateNetwork,
  CreateVlan,
  HostAdapter,
  HostAdapterList,
  Instance,
  InstanceRef,
  Network,
  NetworkList,
  NetworkRef,
  SetInstanceNetwork,
  UpdateNetwork,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import { createVlan, hostAdapters } from '../net/networks/adapters.js';
import type { Networks } from '../net/networks/networks.js';

/** Virtual networks, moving an instance's adapter between them, and the host's adapters. */
export async function networkRoutes(
  app: FastifyInstance,
  { networks, instances }: { networks: Networks; instances: Instances },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/networks', { schema: { response: { 200: NetworkList } } }, async () => ({
    items: await networks.list(),
  }));

  r.get(
    '/v1/networks/:network',
    { schema: { params: NetworkRef, response: { 200: Network } } },
    async (req) => networks.show(req.params.network),
  );

  r.post(
    '/v1/networks',
    { schema: { body: CreateNetwork, response: { 201: Network } } },
    async (req, reply) => reply.status(201).send(await networks.create(req.body)),
  );

  r.patch(
    '/v1/networks/:network',
    { schema: { params: NetworkRef, body: UpdateNetwork, response: { 200: Network } } },
    async (req) => networks.update(req.params.network, req.body),
  );

  r.delete('/v1/networks/:network', { schema: { params: NetworkRef } }, async (req, reply) => {
    await networks.remove(req.params.network);
    return reply.status(204).send();
  });

  r.put(
    '/v1/instances/:id/network',
    { schema: { params: InstanceRef, body: SetInstanceNetwork, response: { 200: Instance } } },
    async (req) => {
      const { id } = req.params;
      const by = (await instances.get(id)).kind === 'vm' ? instances.vms : instances.containers;
      return by.setNetwork(id, req.body);
    },
  );

  r.get('/v1/host/adapters', { schema: { response: { 200: HostAdapterList } } }, async () => ({
    items: await hostAdapters(),
  }));

  r.post(
    '/v1/host/vlans',
    { schema: { body: CreateVlan, response: { 201: HostAdapter } } },
    async (req, reply) => reply.status(201).send(await createVlan(req.body)),
  );
}
