import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  TASK_LOG_PAGE_MAX,
  TaskAccepted,
  TaskDetail,
  TaskList,
  TaskLog,
  TaskLogQuery,
  TaskQuery,
  can,
  forbidden,
  notFound,
  queryFlag,
  type OperationLogLine,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Visibility } from '../auth/visibility.js';
import type { Hosts } from '../hosts/hosts.service.js';
import { taskLogText } from './task-log-text.js';
import type { Tasks } from './tasks.service.js';

/** How long `?wait=true` holds a request open before answering with the task as it is. */
const LONG_POLL_MS = 60_000;

export async function taskRoutes(
  app: FastifyInstance,
  { tasks, visibility, hosts }: { tasks: Tasks; visibility: Visibility; hosts: Hosts },
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

  const TaskRef = z.object({ id: z.string().min(1).max(64) });
  /** The same rule as seeing the task: one outside the caller's view is not found. */
  const visibleTask = async (req: Parameters<typeof principalOf>[0], id: string) => {
    const visible = await visibility.tasks(principalOf(req));
    const task = await tasks.get(id);
    if (!visible(task)) throw notFound(`task ${id}`);
    return task;
  };

  r.get(
    '/api/v1/tasks/:id/log',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['tasks'],
        description:
          "The task's log: progress points, journal steps and the host commands it ran (exit code, time, stderr's tail; secrets masked), in order; pass `nextAfter` as `after` for the next page. Whoever may see the task may read it.",
        params: TaskRef,
        querystring: TaskLogQuery,
        response: { 200: TaskLog },
      },
    },
    async (req) => {
      await visibleTask(req, req.params.id);
      return tasks.logOf(req.params.id, req.query);
    },
  );

  r.post(
    '/api/v1/tasks/:id/cancel',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['tasks'],
        description:
          'Stops a running create or template build; it rolls back and ends failed with code `cancelled`. Who may: the user who started it; for instance work also whoever holds instance.power over the instance (console-wide for a create, whose instance is not listed yet). 409 once it has ended, or for work that runs to its end.',
        params: TaskRef,
        response: { 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'task.cancel', targetType: 'task', targetId: req.params.id };
      const p = principalOf(req);
      const task = await visibleTask(req, req.params.id);
      req.auditNote.detail = { kind: task.kind, instanceId: task.instanceId };
      const instance = task.instanceId
        ? (await hosts.instances()).find((i) => i.id === task.instanceId)
        : undefined;
      const mayPower = task.kind.startsWith('instance.') && can(p, 'instance.power', instance);
      if (task.userId !== p.id && !mayPower)
        throw forbidden(
          'only the user who started this task may cancel it, or one with instance.power over its instance',
        );
      return reply.status(202).send({ task: await tasks.cancel(task.id) });
    },
  );

  r.get(
    '/api/v1/tasks/:id/log/download',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags: ['tasks'],
        description: "The task's whole log as a text file.",
        params: TaskRef,
        produces: ['text/plain'],
      },
    },
    async (req, reply) => {
      const task = await visibleTask(req, req.params.id);
      const lines: OperationLogLine[] = [];
      let after: number | undefined;
      do {
        const page = await tasks.logOf(task.id, {
          limit: TASK_LOG_PAGE_MAX,
          ...(after !== undefined && { after }),
        });
        lines.push(...page.items);
        after = page.nextAfter ?? undefined;
      } while (after !== undefined);
      return reply
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="task-${task.id}.log"`)
        .send(taskLogText(await tasks.withStarter(task), lines));
    },
  );
}
