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
import { requireRole } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { InstancesService } from './instances.service.js';

const IdParams = InstanceRef;
const TaskReply = { 200: TaskAccepted, 202: TaskAccepted };

export async function instanceRoutes(
  app: FastifyInstance,
  { instances, tasks }: { instances: InstancesService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['instances'];

  r.get('/api/v1/instances', { schema: { tags, response: { 200: InstanceList } } }, async (req) => {
    requireRole(req, 'viewer');
    return { items: await instances.list() };
  });

  r.get(
    '/api/v1/instances/:id',
    { schema: { tags, params: IdParams, response: { 200: Instance } } },
    async (req) => {
      requireRole(req, 'viewer');
      return instances.get(req.params.id);
    },
  );

  r.get(
    '/api/v1/instances/:id/screenshot',
    { schema: { tags, description: "PNG of a VM's screen", params: IdParams } },
    async (req, reply) => {
      requireRole(req, 'viewer');
      const png = await instances.screenshot(req.params.id);
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );

  r.post(
    '/api/v1/instances',
    {
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
      // Root in a privileged container is root on the host: only an Administrator may ask for one.
      const p = requireRole(
        req,
        req.body.kind === 'ct' && req.body.privileged ? 'admin' : 'operator',
      );
      const task = await instances.create(p.id, req.body, req.query.hostId);
      req.auditNote.targetId = task.instanceId;
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.patch(
    '/api/v1/instances/:id',
    { schema: { tags, params: IdParams, body: UpdateInstance, response: { 200: Instance } } },
    async (req) => {
      req.auditNote = {
        action: 'instance.update',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { ...req.body },
      };
      requireRole(req, 'operator');
      return instances.update(req.params.id, req.body);
    },
  );

  r.post(
    '/api/v1/instances/:id/actions/:action',
    {
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
      const p = requireRole(req, 'operator');
      const task = await instances.action(p.id, req.params.id, req.params.action, req.body);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.post(
    '/api/v1/instances/:id/exec',
    { schema: { tags, params: IdParams, body: ExecRequest, response: { 200: ExecResult } } },
    async (req) => {
      req.auditNote = {
        action: 'instance.exec',
        targetType: 'instance',
        targetId: req.params.id,
        detail: { command: req.body.command },
      };
      requireRole(req, 'operator');
      const result = await instances.exec(req.params.id, req.body);
      req.auditNote.detail = { ...req.auditNote.detail, exitCode: result.exitCode };
      return result;
    },
  );

  r.delete(
    '/api/v1/instances/:id',
    {
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
      const p = requireRole(req, 'operator');
      const task = await instances.delete(p.id, req.params.id, req.query.force);
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
