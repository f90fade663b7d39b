import type { FastifyInstance } from 'fastify';
import {
  InstanceRef,
  VmHardwareChange,
  VmHardwareChoices,
  VmHardwareRequest,
  badRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Instances } from '../instances/instances.js';
import type { VmHardware } from '../instances/vm-hardware.js';

export async function vmHardwareRoutes(
  app: FastifyInstance,
  { instances, hardware }: { instances: Instances; hardware: VmHardware },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/v1/vm-hardware', { schema: { response: { 200: VmHardwareChoices } } }, () =>
    hardware.choices(),
  );

  r.put(
    '/v1/instances/:id/hardware',
    {
      schema: {
        params: InstanceRef,
        body: VmHardwareRequest,
        response: { 200: VmHardwareChange },
      },
    },
    async (req) => {
      if (!instances.vms.has(req.params.id)) {
        await instances.get(req.params.id);
        throw badRequest('firmware, machine type, CPU model and boot order are VM settings');
      }
      return hardware.set(req.params.id, req.body);
    },
  );
}
