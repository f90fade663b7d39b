import type { FastifyInstance } from 'fastify';
import {
  AddVmDiskRequest,
  ImportVmDiskQuery,
  InstanceRef,
  OperationAccepted,
  ResizeVmDiskRequest,
  VmDiskRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import { rawUpload, vmOnly } from './raw-upload.js';
import type { VmDiskChanges } from '../instances/vm-disk-changes.js';

export async function vmDiskRoutes(
  app: FastifyInstance,
  { instances, disks }: { instances: Instances; disks: VmDiskChanges },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const assertVm = vmOnly(instances, 'containers have one disk: grow it with PATCH diskSizeMiB');

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

  // An imported image is streamed to disk as it arrives, never held in memory.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/v1/instances/:id/disks/import',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        params: InstanceRef,
        querystring: ImportVmDiskQuery,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const { body, declared } = await rawUpload(req, 'the disk image', () =>
        assertVm(req.params.id),
      );
      const operation = await disks.importDisk(req.params.id, body, declared, req.query.format);
      return reply.status(202).send({ operation });
    },
  );

  r.delete(
    '/v1/instances/:id/disks/:disk',
    { schema: { params: VmDiskRef, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await disks.remove(req.params.id, req.params.disk);
      return reply.status(202).send({ operation });
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

  r.post(
    '/v1/instances/:id/disks/:disk/compact',
    { schema: { params: VmDiskRef, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await disks.compact(req.params.id, req.params.disk);
      return reply.status(202).send({ operation });
    },
  );
}
