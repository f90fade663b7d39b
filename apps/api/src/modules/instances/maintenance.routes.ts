import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ConvertToTemplate,
  ResourceName,
  DisableRequest,
  Instance,
  InstanceRef,
  ReinstallRequest,
  RenameRequest,
  TaskAccepted,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requirePermission } from '../../plugins/auth.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { MaintenanceService } from './maintenance.service.js';

/** Container maintenance: rename, disable/enable, reinstall. */
export async function maintenanceRoutes(
  app: FastifyInstance,
  { maintenance, tasks, hosts }: { maintenance: MaintenanceService; tasks: Tasks; hosts: Hosts },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.post(
    '/api/v1/instances/:id/rename',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Rename a container, running or stopped; with hostname, its hostname too (/etc/hostname, /etc/hosts and, while it runs, the live one). 409 when another instance has the name (names are unique case-insensitively).',
        params: InstanceRef,
        body: RenameRequest,
        response: { 200: Instance },
      },
    },
    async (req) => {
      const instance = await hosts.findInstance(req.params.id);
      req.auditNote = {
        action: 'instance.rename',
        targetType: 'instance',
        targetId: instance.id,
        detail: { from: instance.name, ...req.body },
      };
      return maintenance.rename(instance, req.body);
    },
  );

  r.put(
    '/api/v1/instances/:id/disabled',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Disable a container (a start is then a 409 saying so; one that runs keeps running until stopped) or enable it again.',
        params: InstanceRef,
        body: DisableRequest,
        response: { 200: Instance },
      },
    },
    async (req) => {
      req.auditNote = {
        action: req.body.disabled ? 'instance.disable' : 'instance.enable',
        targetType: 'instance',
        targetId: req.params.id,
      };
      return maintenance.setDisabled(await hosts.findInstance(req.params.id), req.body);
    },
  );

  r.post(
    '/api/v1/instances/:id/reinstall',
    {
      // It throws away the root filesystem: configure to change the container, delete for the data.
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Recreate a stopped container's root filesystem from its template, keeping CT ID, name, config, addresses, limits and snapshots, and /root or /home when listed in keep. Needs instance.configure and instance.delete (everything else inside is lost). 409 while it runs.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: optionalBody(ReinstallRequest),
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.reinstall',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { keep: req.body.keep },
      };
      const instance = await hosts.findInstance(req.params.id);
      const p = requirePermission(req, 'instance.delete', instance);
      const task = await maintenance.reinstall(p.id, instance, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.post(
    '/api/v1/instances/:id/template',
    {
      // A template comes (template.manage); a VM goes (instance.delete), a container is read.
      config: { permission: 'template.manage' },
      schema: {
        tags,
        description:
          'Make a stopped VM with one disk a template: its disk, flattened, becomes a read-only base listed with the templates (linked or copied by new VMs) and the VM goes (needs instance.delete too). Of a stopped container, its root filesystem is packed as a container template (ids as the container sees them) and the container stays (needs instance.view of it). 409 while it runs, with more than one disk, or when the name is taken.',
        params: InstanceRef,
        querystring: SyncQuery,
        body: ConvertToTemplate,
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.template',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { template: req.body.name },
      };
      const instance = await hosts.findInstance(req.params.id);
      const source = instance.kind === 'vm' ? 'instance.delete' : 'instance.view';
      const p = requirePermission(req, source, instance);
      const task = await maintenance.toTemplate(p.id, instance, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.delete(
    '/api/v1/templates/:name',
    {
      config: { permission: 'template.manage' },
      schema: {
        tags: ['templates'],
        description:
          'Delete a template made from a VM or a container (or imported). For a VM template, 409 naming the VMs whose disks are linked clones of it; containers are full copies of their template, so a container template is always deleted. 400 for a built-in template.',
        params: z.object({ name: ResourceName }),
        querystring: z.object({ hostId: z.string().optional() }),
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'template.delete',
        targetType: 'template',
        targetId: req.params.name,
      };
      await maintenance.deleteTemplate(req.params.name, req.query.hostId);
      return reply.status(204).send();
    },
  );
}
