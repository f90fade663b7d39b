import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { FastifyInstance } from 'fastify';
import {
  AddVmDiskRequest,
  ImportVmDiskQuery,
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
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest(
          'send the disk image as the raw body with content-type application/octet-stream',
        );
      }
      const body = req.body as Readable;
      // Read to its end before refusing: an answer sent mid-upload reaches the client as a reset.
      await assertVm(req.params.id).catch(async (err: unknown) => {
        await finished(body.resume()).catch(() => undefined);
        throw err;
      });
      const length = Number(req.headers['content-length']);
      const declared = Number.isSafeInteger(length) && length > 0 ? length : null;
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
