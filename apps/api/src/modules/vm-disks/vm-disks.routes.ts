import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  AddVmDiskRequest,
  ImportVmDiskQuery,
  badRequest,
  InstanceRef,
  ResizeVmDiskRequest,
  VmDiskRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { SyncQuery, TaskAnswer, instanceTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { VmDisksService } from './vm-disks.service.js';

export async function vmDiskRoutes(
  app: FastifyInstance,
  { disks, tasks }: { disks: VmDisksService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.post(
    '/api/v1/instances/:id/disks',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Add an empty qcow2 disk to a VM, as a task. A running VM gets it at once (virtio-blk, hot-plugged); the task's result says `live` and, when QEMU would not take it live, why, and the VM has it from its next start. 409 for a suspended VM or one with 8 disks.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: AddVmDiskRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.add',
        { sizeMiB: req.body.sizeMiB },
        (by) => disks.add(by, req.params.id, req.body),
      );
    },
  );

  // The image is relayed to the agent as it arrives, never buffered here.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/api/v1/instances/:id/disks/import',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      config: { permission: 'instance.configure', rawBody: 'application/octet-stream' },
      schema: {
        tags,
        description:
          "Add a disk to a VM from an uploaded image (qcow2, vmdk, vdi, vhdx; raw when named with ?format=raw), sent as the raw body with content-type application/octet-stream. The image is converted to the VM's next qcow2 disk as a task and hot-plugged into a running VM. Refused with a 400, leaving nothing behind: a file that is not a disk image, an image with a backing file, an external data file or a vmdk whose data lives in other files (they could point anywhere on the host). 507 when the host lacks the space.",
        params: InstanceRef,
        querystring: ImportVmDiskQuery.extend(SyncQuery.shape),
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.import',
        { format: req.query.format ?? 'detected' },
        async (by) => {
          if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
            throw badRequest(
              'send the disk image as the raw body with content-type application/octet-stream',
            );
          }
          const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
          return disks.importDisk(by, req.params.id, body, req.query.format);
        },
      );
    },
  );

  r.delete(
    '/api/v1/instances/:id/disks/:disk',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Remove a VM disk and delete its file, as a task. A running guest is asked to let it go first (PCIe hot-unplug; a guest that does not within 30 s fails the task and keeps the disk). 409 for the boot disk (the first), while the VM has snapshots (a revert needs every disk), or for a suspended VM; 404 for a disk the VM does not have.',
        params: VmDiskRef,
        querystring: SyncQuery,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.remove',
        { disk: req.params.disk },
        (by) => disks.remove(by, req.params.id, req.params.disk),
      );
    },
  );

  r.patch(
    '/api/v1/instances/:id/disks/:disk',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Grow a VM disk to sizeMiB, as a task: live under a running guest (block_resize), with qemu-img when stopped. A size below the present one is a 400: disks only grow.',
        params: VmDiskRef,
        querystring: SyncQuery,
        body: ResizeVmDiskRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.resize',
        { disk: req.params.disk, sizeMiB: req.body.sizeMiB },
        (by) => disks.resize(by, req.params.id, req.params.disk, req.body),
      );
    },
  );

  r.post(
    '/api/v1/instances/:id/disks/:disk/compact',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Give back the host room a VM disk no longer uses, as a task. Running: the guest trims its filesystems through its agent (guest-fstrim) and the disk's discard frees the clusters (409 without a guest agent). Stopped: the disk is rewritten without its empty and zeroed clusters (a template clone stays linked), 409 while the VM has snapshots. The task's note says what the disk takes before and after.",
        params: VmDiskRef,
        querystring: SyncQuery,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.disk.compact',
        { disk: req.params.disk },
        (by) => disks.compact(by, req.params.id, req.params.disk),
      );
    },
  );
}
