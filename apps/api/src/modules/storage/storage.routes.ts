import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CloneRequest,
  CreatePool,
  InstanceRef,
  MoveRequest,
  Pool,
  PoolList,
  PoolRef,
  TaskAccepted,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf, requirePermission } from '../../plugins/auth.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { StorageService } from './storage.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});
const tags = ['storage'];

/** Storage pools of a host, and clones of containers. */
export async function storageRoutes(
  app: FastifyInstance,
  { storage, tasks, hosts }: { storage: StorageService; tasks: Tasks; hosts: Hosts },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/pools',
    {
      config: { permission: 'host.view' },
      schema: {
        tags,
        description:
          "The host's storage pools with their driver, usage, what they can do (snapshots, linked clones) and the instances in each.",
        querystring: HostQuery,
        response: { 200: PoolList },
      },
    },
    async (req) => storage.list(req.query.hostId),
  );

  r.post(
    '/api/v1/pools',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          "Create a btrfs pool on a block device (formatted: its contents are lost) or on a sparse image file of sizeMiB under the agent's data dir. 409 on a name or device in use, 507 without room.",
        querystring: HostQuery,
        body: CreatePool,
        response: { 201: Pool },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'pool.create',
        targetType: 'pool',
        targetId: req.body.name,
        detail: { ...req.body },
      };
      return reply.status(201).send(await storage.create(req.body, req.query.hostId));
    },
  );

  r.put(
    '/api/v1/pools/:pool/default',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description: 'Make this pool the one new containers go to when they name none.',
        params: PoolRef,
        querystring: HostQuery,
        response: { 200: Pool },
      },
    },
    async (req) => {
      req.auditNote = { action: 'pool.default', targetType: 'pool', targetId: req.params.pool };
      return storage.setDefault(req.params.pool, req.query.hostId);
    },
  );

  r.delete(
    '/api/v1/pools/:pool',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          'Delete an empty pool (unmounted; its image file removed). 409 naming its instances when it holds any, and for the default pool.',
        params: PoolRef,
        querystring: HostQuery,
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'pool.delete', targetType: 'pool', targetId: req.params.pool };
      await storage.delete(req.params.pool, req.query.hostId);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/instances/:id/clone',
    {
      config: { permission: 'instance.create' },
      schema: {
        tags: ['instances'],
        description:
          "Clone a container into a new one with its own CT ID, name, MAC, address, hostname and machine-id: linked (shares blocks; copy-on-write pools only, else 409) or full (an independent copy, any pool), of its present state or of a snapshot. A running source is frozen for the instant of the copy. A VM is cloned full (each disk copied with qemu-img convert, a template's backing file flattened) with its own id, name and MACs; a running VM's copy comes from a temporary disk-only snapshot, deleted after; linked is a 409 (a VM's own disk changes whenever it runs).",
        params: InstanceRef,
        querystring: SyncQuery,
        body: CloneRequest,
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.clone',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      const source = await hosts.findInstance(req.params.id);
      // A clone is a create with the source's tags: the grant must allow creating there.
      const p = requirePermission(req, 'instance.create', source);
      // A privileged source makes a privileged clone: root inside is root on the host.
      if (source.privileged) requirePermission(req, 'instance.privileged');
      const task = await storage.clone(p.id, source, req.body);
      req.auditNote.detail = { ...req.body, clone: task.instanceId };
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.post(
    '/api/v1/instances/:id/move',
    {
      config: { permission: 'instance.configure' },
      schema: {
        tags: ['instances'],
        description:
          "Move a stopped container's private area to another pool (a full copy with progress; the old copy is removed once the container's record names the new pool). 409 when it runs, has snapshots, or is in that pool already.",
        params: InstanceRef,
        querystring: SyncQuery,
        body: MoveRequest,
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.move',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      const task = await storage.move(principalOf(req).id, req.params.id, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
