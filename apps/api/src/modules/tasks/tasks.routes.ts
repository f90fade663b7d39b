import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TaskDetail, TaskList, TaskQuery, can, notFound, queryFlag } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Visibility } from '../auth/visibility.js';
import type { Tasks } from './tasks.service.js';

/** How long `?wait=true` holds a request open before answering with the task as it is. */
const LONG_POLL_MS = 60_000;

export async function taskRoutes(
  app: FastifyInstance,
  { tasks, visibility }: { tasks: Tasks; visibility: Visibility },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/tasks',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['tasks'],
        description:
          'Matching tasks, newest first; pass `nextCursor` as `cursor` for the next page. Every task with task.view; else my own and those of instances I may see.',
        querystring: TaskQuery,
        response: { 200: TaskList },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const scope = can(p, 'task.view')
        ? null
        : { userId: p.id, instanceIds: await visibility.instanceIds(p) };
      return tasks.list(req.query, scope);
    },
  );

  r.get(
    '/api/v1/tasks/:id',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['tasks'],
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({
          wait: queryFlag('long-poll until the task ends (at most 60 s)'),
        }),
        response: { 200: TaskDetail },
      },
    },
    async (req) => {
      // Checked before waiting: one outside the caller's view is not found, not waited on.
      const visible = await visibility.tasks(principalOf(req));
      if (!visible(await tasks.get(req.params.id))) throw notFound(`task ${req.params.id}`);
      const task = req.query.wait
        ? await tasks.wait(req.params.id, LONG_POLL_MS)
        : await tasks.get(req.params.id);
      return tasks.withStarter(task);
    },
  );
}
