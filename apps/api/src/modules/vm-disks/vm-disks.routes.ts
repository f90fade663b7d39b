import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  AddVmDiskRequest,
  ImportVmDiskQuery,
  badRequest,
  InstanceRef,
  ResizeVmDiskRequest,
  TaskAccepted,
  VmDiskRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { VmDisksService } from './vm-disks.service.js';

export async function vmDiskRoutes(
  app: FastifyInstance,
  { disks, tasks }: { disks: VmDisksService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];
  const taskAnswer = { 200: TaskAccepted, 202: TaskAccepted };

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
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.disk.add',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { sizeMiB: req.body.sizeMiB },
      };
      const task = await disks.add(principalOf(req).id, req.params.id, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
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
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.disk.import',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { format: req.query.format ?? 'detected' },
      };
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest(
          'send the disk image as the raw body with content-type application/octet-stream',
        );
      }
      const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
      const task = await disks.importDisk(
        principalOf(req).id,
        req.params.id,
        body,
        req.query.format,
      );
      return replyWithTask(req, reply, tasks, task, req.query.sync);
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
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.disk.remove',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { disk: req.params.disk },
      };
      const task = await disks.remove(principalOf(req).id, req.params.id, req.params.disk);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
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
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.disk.resize',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { disk: req.params.disk, sizeMiB: req.body.sizeMiB },
      };
      const task = await disks.resize(
        principalOf(req).id,
        req.params.id,
        req.params.disk,
        req.body,
      );
      return replyWithTask(req, reply, tasks, task, req.query.sync);
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
        response: taskAnswer,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.disk.compact',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { disk: req.params.disk },
      };
      const task = await disks.compact(principalOf(req).id, req.params.id, req.params.disk);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
