import type { FastifyInstance } from 'fastify';
import {
  CloneRequest,
  CreatePool,
  InstanceRef,
  MoveRequest,
  OperationAccepted,
  Pool,
  PoolList,
  PoolRef,
  badRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import type { ContainerClones } from '../instances/container-clones.js';
import type { ContainerMoves } from '../instances/container-moves.js';
import type { VmClones } from '../instances/vm-clones.js';
import type { Pools } from '../storage/pools/pools.js';

/** Storage pools, and clones of containers into them. */
export async function poolRoutes(
  app: FastifyInstance,
  {
    pools,
    clones,
    vmClones,
    moves,
    instances,
  }: {
    pools: Pools;
    clones: ContainerClones;
    vmClones: VmClones;
    moves: ContainerMoves;
    instances: Instances;
  },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/pools', { schema: { response: { 200: PoolList } } }, async () => ({
    items: await pools.list(),
  }));

  r.post(
    '/v1/pools',
    { schema: { body: CreatePool, response: { 201: Pool } } },
    async (req, reply) => reply.status(201).send(await pools.create(req.body)),
  );

  r.put(
    '/v1/pools/:pool/default',
    { schema: { params: PoolRef, response: { 200: Pool } } },
    async (req) => pools.setDefault(req.params.pool),
  );

  r.delete('/v1/pools/:pool', { schema: { params: PoolRef } }, async (req, reply) => {
    await pools.remove(req.params.pool);
    return reply.status(204).send();
  });

  r.post(
    '/v1/instances/:id/clone',
    { schema: { params: InstanceRef, body: CloneRequest, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      const kind = (await instances.get(req.params.id)).kind;
      const by = kind === 'vm' ? vmClones : clones;
      return reply
        .status(202)
        .send({ operation: await by.clone(req.params.id, req.body, instances.nameTaken) });
    },
  );

  r.post(
    '/v1/instances/:id/move',
    { schema: { params: InstanceRef, body: MoveRequest, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      if ((await instances.get(req.params.id)).kind === 'vm') {
        throw badRequest('VM disks stay in the agent data dir; moving is for containers');
      }
      return reply.status(202).send({ operation: await moves.move(req.params.id, req.body) });
    },
  );
}
