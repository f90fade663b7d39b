import type { FastifyInstance } from 'fastify';
import {
  AddVmPortRequest,
  AddVmUsbRequest,
  AddVmUsbStorageQuery,
  InstanceRef,
  OperationAccepted,
  VmDeviceChange,
  VmDevices,
  VmPortRef,
  VmUsbRef,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import { rawUpload, vmOnly } from './raw-upload.js';
import type { VmPorts } from '../instances/vm-ports.js';
import type { VmUsb } from '../instances/vm-usb.js';

export async function vmDeviceRoutes(
  app: FastifyInstance,
  { instances, ports, usb }: { instances: Instances; ports: VmPorts; usb: VmUsb },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const assertVm = vmOnly(instances, 'serial, parallel and USB devices are VM hardware');

  r.get(
    '/v1/instances/:id/devices',
    { schema: { params: InstanceRef, response: { 200: VmDevices } } },
    async (req) => {
      await assertVm(req.params.id);
      return ports.devices(req.params.id);
    },
  );

  r.post(
    '/v1/instances/:id/ports',
    { schema: { params: InstanceRef, body: AddVmPortRequest, response: { 200: VmDeviceChange } } },
    async (req) => {
      await assertVm(req.params.id);
      return ports.add(req.params.id, req.body);
    },
  );

  r.delete(
    '/v1/instances/:id/ports/:port',
    { schema: { params: VmPortRef, response: { 200: VmDeviceChange } } },
    async (req) => {
      await assertVm(req.params.id);
      return ports.remove(req.params.id, req.params.port);
    },
  );

  r.get(
    '/v1/instances/:id/ports/:port/log',
    { schema: { params: VmPortRef } },
    async (req, reply) => {
      await assertVm(req.params.id);
      const log = await ports.log(req.params.id, req.params.port);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', String(log.bytes))
        .header('x-berth-log-cut', String(log.cut))
        .send(log.stream);
    },
  );

  r.post(
    '/v1/instances/:id/usb',
    {
      schema: { params: InstanceRef, body: AddVmUsbRequest, response: { 202: OperationAccepted } },
    },
    async (req, reply) => {
      await assertVm(req.params.id);
      return reply.status(202).send({ operation: await usb.add(req.params.id, req.body) });
    },
  );

  // The image is streamed to disk as it arrives, never held in memory.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/v1/instances/:id/usb/storage',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        params: InstanceRef,
        querystring: AddVmUsbStorageQuery,
        response: { 202: OperationAccepted },
      },
    },
    async (req, reply) => {
      const { body, declared } = await rawUpload(req, 'the image', () => assertVm(req.params.id));
      const operation = await usb.addStorage(req.params.id, body, declared, req.query);
      return reply.status(202).send({ operation });
    },
  );

  r.delete(
    '/v1/instances/:id/usb/:device',
    { schema: { params: VmUsbRef, response: { 202: OperationAccepted } } },
    async (req, reply) => {
      await assertVm(req.params.id);
      const operation = await usb.remove(req.params.id, req.params.device);
      return reply.status(202).send({ operation });
    },
  );
}
