import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Task, TaskList, queryFlag } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import { Limit } from '../limit.js';
import type { Tasks } from './tasks.service.js';

/** How long `?wait=true` holds a request open before answering with the task as it is. */
const LONG_POLL_MS = 60_000;

export async function taskRoutes(app: FastifyInstance, { tasks }: { tasks: Tasks }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/tasks',
    {
      schema: {
        tags: ['tasks'],
        querystring: z.object({ instanceId: z.string().optional(), limit: Limit }),
        response: { 200: TaskList },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return { items: await tasks.list(req.query) };
    },
  );

  r.get(
    '/api/v1/tasks/:id',
    {
      schema: {
        tags: ['tasks'],
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z.object({
          wait: queryFlag('long-poll until the task ends (at most 60 s)'),
        }),
        response: { 200: Task },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return req.query.wait ? tasks.wait(req.params.id, LONG_POLL_MS) : tasks.get(req.params.id);
    },
  );
}
