import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { queryFlag } from '@berth/contracts';
import { TaskAccepted, type Task, type TaskFailed } from '@berth/contracts';
import { statusOfCode } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Tasks } from './tasks.service.js';

export const SyncQuery = z.object({
  sync: queryFlag(
    "wait for the task to end: 200 with it when it succeeded; when it failed, the status of its error's code (409, 507, 500…) with the error and the task; 202 as without sync if it runs on past 15 minutes",
  ),
});

const SYNC_LIMIT_MS = 15 * 60_000;

/** The answers of a route that starts a task and replies with replyWithTask. */
export const TaskAnswer = { 200: TaskAccepted, 202: TaskAccepted };

/**
 * Answers 202 with the task and a Location to watch it. With ?sync=true it waits for the end:
 * a failed task answers with its error's status, as the same failure found before the task
 * was queued would, so a script checking the status never takes a failure for success.
 */
export async function replyWithTask(
  req: FastifyRequest,
  reply: FastifyReply,
  tasks: Tasks,
  task: Task,
  sync: boolean,
) {
  if (req.auditNote) req.auditNote.taskId = task.id;
  reply.header('location', `/api/v1/tasks/${task.id}`);
  if (!sync) return reply.status(202).send({ task });
  const ended = await tasks.wait(task.id, SYNC_LIMIT_MS);
  if (ended.status === 'succeeded') return reply.status(200).send({ task: ended });
  if (ended.status === 'failed' && ended.error) {
    const failed: TaskFailed = { error: ended.error, task: ended };
    return reply.status(statusOfCode(ended.error.code)).send(failed);
  }
  return reply.status(202).send({ task: ended });
}

/**
 * The body of a route that starts a task on one instance: the audit note first (so a refusal is
 * audited too), then the task started as the caller, answered as replyWithTask answers.
 */
export async function instanceTask(
  req: FastifyRequest & { params: { id: string }; query: { sync: boolean } },
  reply: FastifyReply,
  tasks: Tasks,
  action: string,
  detail: Record<string, unknown>,
  start: (principalId: string) => Promise<Task>,
) {
  req.auditNote = { action, targetType: 'instance', targetId: req.params.id, detail };
  return replyWithTask(req, reply, tasks, await start(principalOf(req).id), req.query.sync);
}
