import type { FastifyInstance } from 'fastify';
import {
  InstanceRef,
  VmHardwareChange,
  VmHardwareChoices,
  VmHardwareRequest,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../hosts/hosts.service.js';

/** A VM's start-time settings: the agent keeps them in the VM's record, the API passes them on. */
export async function vmHardwareRoutes(app: FastifyInstance, { hosts }: { hosts: Hosts }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.get(
    '/api/v1/instances/:id/hardware',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "What the instance's host offers for its Hardware tab: q35 machine types and CPU models from its QEMU, and whether OVMF (UEFI) is installed.",
        params: InstanceRef,
        response: { 200: VmHardwareChoices },
      },
    },
    async (req) => {
      const instance = await hosts.findInstance(req.params.id);
      return hosts.client(instance.hostId as string).vmHardwareChoices();
    },
  );

  r.put(
    '/api/v1/instances/:id/hardware',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Change a VM's firmware (bios, uefi), machine type, CPU model or boot order. Saved at once and taken at the VM's next start (`applies: next-start`); a running VM lists them in vm.pendingChanges until then. 400 naming the field for a machine or CPU this host's QEMU does not offer, or UEFI without OVMF; 409 while suspended.",
        params: InstanceRef,
        body: VmHardwareRequest,
        response: { 200: VmHardwareChange },
      },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.hardware',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      const instance = await hosts.findInstance(req.params.id);
      return hosts.client(instance.hostId as string).setVmHardware(instance.id, req.body);
    },
  );
}
