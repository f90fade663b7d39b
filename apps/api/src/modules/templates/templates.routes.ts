import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  BuildTemplate,
  TaskAccepted,
  Template,
  TemplateName,
  listOf,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { TemplatesService } from './templates.service.js';

const HostQuery = z.object({ hostId: z.string().optional() });

export async function templateRoutes(
  app: FastifyInstance,
  { templates, tasks }: { templates: TemplatesService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/templates',
    {
      schema: {
        tags: ['templates'],
        querystring: HostQuery,
        response: { 200: listOf(Template.extend({ hostId: z.string() })) },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return { items: await templates.list(req.query.hostId) };
    },
  );

  r.post(
    '/api/v1/templates/:name/build',
    {
      schema: {
        tags: ['templates'],
        description: 'Build (or rebuild) a template cache on a host; answers 202 with the task.',
        params: z.object({ name: TemplateName }),
        querystring: SyncQuery.extend(HostQuery.shape),
        body: optionalBody(BuildTemplate),
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'template.build',
        targetType: 'template',
        targetId: req.params.name,
      };
      const p = requireRole(req, 'operator');
      const task = await templates.build(p.id, req.params.name, {
        rebuild: req.body.rebuild,
        hostId: req.query.hostId,
      });
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
