import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ActionOptions,
  CreateInstance,
  InstanceRef,
  DeleteOptions,
  ExecRequest,
  ExecResult,
  Instance,
  InstanceAction,
  InstanceList,
  TaskAccepted,
  UpdateInstance,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { can } from '@berth/contracts';
import { principalOf, requirePermission } from '../../plugins/auth.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { InstancesService } from './instances.service.js';

const IdParams = InstanceRef;
const TaskReply = { 200: TaskAccepted, 202: TaskAccepted };

export async function instanceRoutes(
  app: FastifyInstance,
  { instances, tasks, hosts }: { instances: InstancesService; tasks: Tasks; hosts: Hosts },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.get(
    '/api/v1/instances',
    {
      config: { permission: 'instance.view' },
      schema: { tags, description: 'The instances I may see.', response: { 200: InstanceList } },
    },
    async (req) => {
      const p = principalOf(req);
      const all = await instances.list();
      return { items: all.filter((i) => can(p, 'instance.view', i)) };
    },
  );

  r.get(
    '/api/v1/instances/:id',
    {
      config: { permission: 'instance.view' },
      schema: { tags, params: IdParams, response: { 200: Instance } },
    },
    async (req) => {
      return instances.get(req.params.id);
    },
  );

  r.get(
    '/api/v1/instances/:id/screenshot',
    {
      config: { permission: 'instance.view' },
      schema: { tags, description: "PNG of a VM's screen", params: IdParams },
    },
    async (req, reply) => {
      const png = await instances.screenshot(req.params.id);
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );

  r.post(
    '/api/v1/instances',
    {
      config: { permission: 'instance.create' },
      schema: {
        tags,
        description:
          'Create a container (kind "ct", the default) or a VM (kind "vm"). Answers 202 with the task (Location: /api/v1/tasks/{id}).',
        querystring: SyncQuery.extend({
          hostId: z.string().optional().describe('defaults to the local host'),
        }),
        body: CreateInstance,
        response: TaskReply,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.create',
        targetType: 'instance',
        detail: { kind: req.body.kind, name: req.body.name },
      };
      // A scoped grant creates only inside its scope: on its host, or with its tag.
      const target = { hostId: hosts.pick(req.query.hostId).hostId, tags: req.body.tags };
      const p = requirePermission(req, 'instance.create', target);
      // Root in a privileged container is root on the host: only those trusted with it ask for one.
      if (req.body.kind === 'ct' && req.body.privileged)
        requirePermission(req, 'instance.privileged');
      const task = await instances.create(p.id, req.body, req.query.hostId);
      req.auditNote.targetId = task.instanceId;
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.patch(
    '/api/v1/instances/:id',
    {
      config: { permission: 'instance.configure' },
      schema: { tags, params: IdParams, body: UpdateInstance, response: { 200: Instance } },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.update',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      // Retagging must not move an instance out of the scope that allows the change.
      if (req.body.tags && !can(principalOf(req), 'instance.configure')) {
        const { hostId } = await hosts.findInstance(req.params.id);
        requirePermission(req, 'instance.configure', { hostId, tags: req.body.tags });
      }
      return instances.update(req.params.id, req.body, req.auditNote);
    },
  );

  r.post(
    '/api/v1/instances/:id/actions/:action',
    {
      config: { permission: 'instance.power' },
      schema: {
        tags,
        params: IdParams.extend({ action: InstanceAction }),
        querystring: SyncQuery,
        body: optionalBody(ActionOptions),
        response: TaskReply,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: `instance.${req.params.action}`,
        targetType: 'instance',
        targetId: req.params.id,
      };
      const task = await instances.action(
        principalOf(req).id,
        req.params.id,
        req.params.action,
        req.body,
      );
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.post(
    '/api/v1/instances/:id/exec',
    {
      config: { permission: 'instance.console' },
      schema: { tags, params: IdParams, body: ExecRequest, response: { 200: ExecResult } },
    },
    async (req) => {
      req.auditNote = {
        action: 'instance.exec',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { command: req.body.command },
      };
      const result = await instances.exec(req.params.id, req.body);
      req.auditNote.detail = { ...req.auditNote.detail, exitCode: result.exitCode };
      return result;
    },
  );

  r.delete(
    '/api/v1/instances/:id',
    {
      config: { permission: 'instance.delete' },
      schema: {
        tags,
        params: IdParams,
        querystring: DeleteOptions.extend(SyncQuery.shape),
        response: TaskReply,
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'instance.delete',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { force: req.query.force },
      };
      const task = await instances.delete(principalOf(req).id, req.params.id, req.query.force);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
