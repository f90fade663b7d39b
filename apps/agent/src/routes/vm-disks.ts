import type { FastifyInstance } from 'fastify';
import {
  AddVmDiskRequest,
  InstanceRef,
  OperationAccepted,
  ResizeVmDiskRequest,
  VmDiskRef,
  badRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import type { VmDiskChanges } from '../instances/vm-disk-changes.js';

export async function vmDiskRoutes(
  app: FastifyInstance,
  { instances, disks }: { instances: Instances; disks: VmDiskChanges },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** Containers have one disk, grown with PATCH diskSizeMiB; an unknown id is a 404 from get. */
  async function assertVm(id: string): Promise<void> {
    if (instances.vms.has(id)) return;
    await instances.get(id);
    throw badRequest('containers have one disk: grow it with PATCH diskSizeMiB');
  }

  r.post(
    '/v1/instances/:id/disks',
    {
      schema: { params: InstanceRef, body: AddVmDiskRequest, response: { 202: OperationAccepted } },
    },
    async (req, reply) => {
      await assertVm(req.params.id);
      return reply.status(202).send({ operation: await disks.add(req.params.id, req.body) });
    },
  );

  r.patch(
    '/v1/instances/:id/disks/:disk',
    {
      schema: {
        params: VmDiskRef,
        body: ResizeVmDiskRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await disks.resize(req.params.id, req.params.disk, req.body);
      return reply.status(202).send({ operation });
    },
  );
}
