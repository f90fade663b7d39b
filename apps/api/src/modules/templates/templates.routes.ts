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
import { principalOf } from '../../plugins/auth.js';
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
      config: { permission: 'template.view' },
      schema: {
        tags: ['templates'],
        querystring: HostQuery,
        response: { 200: listOf(Template.extend({ hostId: z.string() })) },
      },
    },
    async (req) => ({ items: await templates.list(req.query.hostId) }),
  );

  r.post(
    '/api/v1/templates/:name/build',
    {
      config: { permission: 'template.manage' },
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
      const task = await templates.build(principalOf(req).id, req.params.name, {
        rebuild: req.body.rebuild,
        hostId: req.query.hostId,
      });
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );
}
