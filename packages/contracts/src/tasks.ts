import { z } from 'zod';

export const TaskStatus = z.enum(['queued', 'running', 'succeeded', 'failed']);

/** The API's persisted record of one mutating call and its progress. */
export const Task = z.object({
  id: z.string(),
  kind: z.string(),
  status: TaskStatus,
  progress: z.number().int(),
  message: z.string().nullable(),
  hostId: z.string().nullable(),
  instanceId: z.string().nullable(),
  userId: z.string().nullable(),
  result: z.unknown().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
});
export type Task = z.infer<typeof Task>;

export const TaskAccepted = z.object({ task: Task });
export type TaskAccepted = z.infer<typeof TaskAccepted>;

/** ?sync=true on a task that failed: the task's error as any error answer has it, and the task. */
export const TaskFailed = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  task: Task,
});
export type TaskFailed = z.infer<typeof TaskFailed>;

export const TaskList = z.object({ items: z.array(Task) });
