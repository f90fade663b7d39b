import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ApplyContainerUpdatesByTag,
  ApplyHostUpdates,
  ContainerUpdates,
  ContainerUpdatesStarted,
  CtTemplateName,
  TemplatePackages,
  HostUpdates,
  InstanceRef,
  UpdatesQuery,
  can,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf, requirePermission } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { UpdatesService } from './updates.service.js';

const HostParams = z.strictObject({ hostId: z.string().min(1).max(64) });

export async function updateRoutes(
  app: FastifyInstance,
  { updates, tasks }: { updates: UpdatesService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['updates'];

  r.get(
    '/api/v1/hosts/:hostId/updates',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "Berth's version and the host's upgradable packages (apt; versions and a security flag). refresh=true runs apt-get update first (host.manage).",
        params: HostParams,
        querystring: UpdatesQuery,
        response: { 200: HostUpdates },
      },
    },
    (req) => {
      // Refreshing runs apt-get update on the host: work on it, not a look at it.
      if (req.query.refresh) requirePermission(req, 'host.manage');
      return updates.host(req.params.hostId, req.query.refresh);
    },
  );

  r.post(
    '/api/v1/hosts/:hostId/updates/apply',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          "Upgrades the host's packages (apt-get upgrade) as a task with apt's log; simulate=true runs apt-get -s and changes nothing. 409 while an upgrade, a migration or a backup runs on the host.",
        params: HostParams,
        querystring: SyncQuery,
        body: ApplyHostUpdates,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'host.upgrade',
        targetType: 'host',
        targetId: req.params.hostId,
        detail: { simulate: req.body.simulate },
      };
      const task = await updates.applyHost(principalOf(req).id, req.params.hostId, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  // Listing runs apt-get update inside the container: a change to it, so instance.configure.
  r.get(
    '/api/v1/instances/:id/updates',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "A Debian container's upgradable packages: apt-get update, then apt list --upgradable, inside it. 503 naming why when apt inside cannot reach its archive.",
        params: InstanceRef,
        response: { 200: ContainerUpdates },
      },
    },
    (req) => updates.container(req.params.id),
  );

  r.post(
    '/api/v1/instances/:id/updates/apply',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          "Upgrades a running Debian container's packages (apt-get upgrade inside) as a task with apt's log.",
        params: InstanceRef,
        querystring: SyncQuery,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.upgrade',
        targetType: 'instance',
        targetId: req.params.id,
      };
      const task = await updates.applyContainer(principalOf(req).id, req.params.id);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.post(
    '/api/v1/updates/containers',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags,
        description:
          'Upgrades the packages of every running container with the tag that the caller may configure: one task each; the rest are listed with why.',
        body: ApplyContainerUpdatesByTag,
        response: { 202: ContainerUpdatesStarted },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      const started = await updates.applyTagged(p.id, req.body.tag, (i) =>
        can(p, 'instance.configure', { hostId: i.hostId, tags: i.tags }),
      );
      req.auditNote = {
        action: 'instance.upgrade',
        targetType: 'tag',
        targetId: req.body.tag,
        detail: {
          instanceIds: started.tasks.map((t) => t.instanceId),
          skipped: started.skipped.map((s) => s.instanceId),
        },
      };
      return reply.status(202).send(started);
    },
  );

  r.get(
    '/api/v1/templates/:name/packages',
    {
      config: { permission: 'template.view' },
      schema: {
        tags,
        description:
          "A container template cache's packages and versions as dpkg listed them at its build; null before the first refresh that kept them, or for a system without dpkg.",
        params: z.strictObject({ name: CtTemplateName }),
        querystring: z.strictObject({
          hostId: z.string().min(1).max(64).optional().describe('defaults to the local host'),
        }),
        response: { 200: TemplatePackages },
      },
    },
    (req) => updates.templatePackages(req.params.name, req.query.hostId),
  );
}
