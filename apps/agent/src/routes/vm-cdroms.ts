import type { FastifyInstance } from 'fastify';
import {
  AddCdDriveRequest,
  CdDriveRef,
  CdMediaRequest,
  InstanceRef,
  OperationAccepted,
  VmDiskRef,
  VmDiskSettingsRequest,
  VmDriveChange,
  badRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import type { VmDrives } from '../instances/vm-cdroms.js';

/** A VM's disk buses and cache modes, and its CD/DVD drives. */
export async function vmCdromRoutes(
  app: FastifyInstance,
  { instances, drives }: { instances: Instances; drives: VmDrives },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** An unknown id is a 404 from get; a container has neither. */
  async function assertVm(id: string): Promise<void> {
    if (instances.vms.has(id)) return;
    await instances.get(id);
    throw badRequest('disk buses and CD drives are VM hardware');
  }

  r.put(
    '/v1/instances/:id/disks/:disk/settings',
    {
      schema: {
        params: VmDiskRef,
        body: VmDiskSettingsRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await drives.setDisk(req.params.id, req.params.disk, req.body);
      return reply.status(202).send({ operation });
    },
  );

  r.post(
    '/v1/instances/:id/cd-drives',
    {
      schema: {
        params: InstanceRef,
        body: AddCdDriveRequest,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      await assertVm(req.params.id);
      return reply.status(202).send({ operation: await drives.addCd(req.params.id, req.body) });
    },
  );

  r.delete(
    '/v1/instances/:id/cd-drives/:drive',
    { schema: { params: CdDriveRef, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await drives.removeCd(req.params.id, req.params.drive);
      return reply.status(202).send({ operation });
    },
  );

  r.put(
    '/v1/instances/:id/cd-drives/:drive',
    { schema: { params: CdDriveRef, body: CdMediaRequest, response: { 200: VmDriveChange } } },
    async (req) => {
      await assertVm(req.params.id);
      return drives.setMedia(req.params.id, req.params.drive, req.body);
    },
  );
}
