import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import {
  AddVmPortRequest,
  AddVmUsbRequest,
  AddVmUsbStorageQuery,
  InstanceRef,
  VmDeviceChange,
  VmDevices,
  VmPortRef,
  VmUsbRef,
  badRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../hosts/hosts.service.js';
import { SyncQuery, TaskAnswer, instanceTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { VmUsbService } from './vm-devices.service.js';

/** A VM's serial and parallel ports (record only, next start) and USB devices (tasks, live where QEMU can). */
export async function vmDeviceRoutes(
  app: FastifyInstance,
  { hosts, usb, tasks }: { hosts: Hosts; usb: VmUsbService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];
  const clientOf = async (id: string) => {
    const instance = await hosts.findInstance(id);
    return { instance, client: hosts.client(instance.hostId as string) };
  };

  r.get(
    '/api/v1/instances/:id/devices',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "A VM's serial and parallel ports and USB devices. serial0 is the console every VM has. `pending` is `add` for what the running VM gets at its next start and `remove` for what it keeps until then.",
        params: InstanceRef,
        response: { 200: VmDevices },
      },
    },
    async (req) => {
      const { instance, client } = await clientOf(req.params.id);
      return client.vmDevices(instance.id);
    },
  );

  r.post(
    '/api/v1/instances/:id/ports',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Add a serial port (serial1 to serial3, the guest's ttyS1-ttyS3) to a unix socket or a file in the VM's folder, or the parallel port (parallel0) to a file. Saved at once, taken at the VM's next start (`applies: next-start`). 409 for a fifth serial port or a second parallel one, or while the VM is suspended.",
        params: InstanceRef,
        body: AddVmPortRequest,
        response: { 200: VmDeviceChange },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.port.add',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      const { instance, client } = await clientOf(req.params.id);
      return client.addVmPort(instance.id, req.body);
    },
  );

  r.delete(
    '/api/v1/instances/:id/ports/:port',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Remove a serial or parallel port at the VM's next start. A file port's log stays downloadable. 409 for serial0 (the console); 404 for a port the VM does not have.",
        params: VmPortRef,
        response: { 200: VmDeviceChange },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.port.remove',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { port: req.params.port },
      };
      const { instance, client } = await clientOf(req.params.id);
      return client.removeVmPort(instance.id, req.params.port);
    },
  );

  r.get(
    '/api/v1/instances/:id/ports/:port/log',
    {
      // What the guest wrote to its port may be anything it prints: for those who may configure it.
      config: { permission: 'instance.configure' },
      compress: false,
      schema: {
        tags,
        description:
          "Download what the guest wrote to a file port, or serial0's console log (its last 16 MiB at most; the header x-berth-log-cut says when earlier bytes were left out). 404 when the port has written nothing yet.",
        params: VmPortRef,
      },
    },
    async (req, reply) => {
      const { instance, client } = await clientOf(req.params.id);
      const { body, sizeBytes } = await client.vmPortLog(instance.id, req.params.port);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', sizeBytes)
        .header(
          'content-disposition',
          `attachment; filename="${instance.name}-${req.params.port}.log"`,
        )
        .send(Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]));
    },
  );

  r.post(
    '/api/v1/instances/:id/usb',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Add a USB keyboard (hot-plugged into a running VM: `applies: live`) or the tablet (at the next start), as a task. 409 when the VM's six USB ports are taken, for a second tablet, or while suspended.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: AddVmUsbRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(req, reply, tasks, 'instance.usb.add', { kind: req.body.kind }, (by) =>
        usb.add(by, req.params.id, req.body),
      );
    },
  );

  // The image is relayed to the agent as it arrives, never buffered here.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/api/v1/instances/:id/usb/storage',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      config: { permission: 'instance.configure', rawBody: 'application/octet-stream' },
      schema: {
        tags,
        description:
          "Add a USB stick from a raw or qcow2 image sent as the raw body (content-type application/octet-stream; a raw image is named with ?format=raw), as a task: kept as a qcow2 in the VM's folder and hot-plugged into a running VM. Refused with a 400, leaving nothing behind, as disk imports are: not a disk image, another format, a backing file or external data file.",
        params: InstanceRef,
        querystring: AddVmUsbStorageQuery.extend(SyncQuery.shape),
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.usb.add',
        { kind: 'storage', format: req.query.format ?? 'detected' },
        async (by) => {
          if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
            throw badRequest(
              'send the image as the raw body with content-type application/octet-stream',
            );
          }
          const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
          return usb.addStorage(by, req.params.id, body, { format: req.query.format });
        },
      );
    },
  );

  r.delete(
    '/api/v1/instances/:id/usb/:device',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Remove a USB device, as a task: pulled out of a running VM at once (a keyboard, a stick: `applies: live`), the tablet at the next start; a stick's image is deleted. 404 for a device the VM does not have.",
        params: VmUsbRef,
        querystring: SyncQuery,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'instance.usb.remove',
        { device: req.params.device },
        (by) => usb.remove(by, req.params.id, req.params.device),
      );
    },
  );
}
