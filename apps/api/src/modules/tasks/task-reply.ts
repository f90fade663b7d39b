import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { queryFlag } from '@berth/contracts';
import type { Task } from '@berth/contracts';
import type { Tasks } from './tasks.service.js';

export const SyncQuery = z.object({
  sync: queryFlag('wait for the task to finish and answer 200 with it'),
});

const SYNC_LIMIT_MS = 15 * 60_000;

/** Answers 202 with the task and a Location to watch it, or 200 once it finished when ?sync=true. */
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
  return reply.status(200).send({ task: await tasks.wait(task.id, SYNC_LIMIT_MS) });
}
