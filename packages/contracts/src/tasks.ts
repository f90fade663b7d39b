import { z } from 'zod';
import { queryInt } from './common.js';
import { OperationLogLine } from './operations.js';

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

/** One task as GET /tasks/{id} answers it: with the name of the user who started it. */
export const TaskDetail = Task.extend({
  startedBy: z.string().nullable().describe('the username; null for work the system started'),
});
export type TaskDetail = z.infer<typeof TaskDetail>;

export const TaskAccepted = z.object({ task: Task });
export type TaskAccepted = z.infer<typeof TaskAccepted>;

/** ?sync=true on a task that failed: the task's error as any error answer has it, and the task. */
export const TaskFailed = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
  task: Task,
});
export type TaskFailed = z.infer<typeof TaskFailed>;

export const TASK_PAGE_MAX = 1000;

/** A page's position: the last row's creation time (ms) and id, since two tasks may share an instant. */
export const TaskCursor = z
  .string()
  .regex(/^\d{1,15}\.[A-Za-z0-9-]{1,64}$/, "pass the previous page's nextCursor unchanged");

/** Which tasks to list; each given filter narrows them. Unknown parameters are a 400. */
export const TaskQuery = z
  .object({
    instanceId: z.string().min(1).max(64).optional().describe('tasks on this instance (its UUID)'),
    user: z.string().min(1).max(200).optional().describe('tasks started by this user (by name)'),
    kind: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('kinds starting with this, e.g. "instance." or "instance.start"'),
    outcome: z
      .enum(['active', 'succeeded', 'failed'])
      .optional()
      .describe('active: queued or running'),
    from: z.iso.datetime().optional().describe('created at or after this instant'),
    to: z.iso.datetime().optional().describe('created before this instant'),
    q: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('text in the kind, message, error or instance id'),
    limit: queryInt(1, TASK_PAGE_MAX).default(100),
    cursor: TaskCursor.optional().describe("the previous page's nextCursor: tasks older than it"),
  })
  .strict();
export type TaskQuery = z.infer<typeof TaskQuery>;

/** Newest first. */
export const TaskList = z.object({
  items: z.array(Task),
  nextCursor: z.string().nullable().describe('null on the last page'),
  users: z
    .record(z.string(), z.string())
    .describe("the names of the users who started this page's tasks, by id"),
});
export type TaskList = z.infer<typeof TaskList>;

export const TASK_LOG_PAGE_MAX = 1000;

/** A page of a task's log: the lines after `after` (a seq), in order. */
export const TaskLogQuery = z
  .object({
    after: queryInt(0, 1_000_000).optional().describe("the previous page's nextAfter"),
    limit: queryInt(1, TASK_LOG_PAGE_MAX).default(500),
  })
  .strict();
export type TaskLogQuery = z.infer<typeof TaskLogQuery>;

/** A task's log: stored with the task when it ends; while it runs, what its agent has so far. */
export const TaskLog = z.object({
  items: z.array(OperationLogLine),
  nextAfter: z.number().int().nullable().describe('null on the last page'),
  live: z.boolean().describe('the task still runs: the log is read from its agent and grows'),
});
export type TaskLog = z.infer<typeof TaskLog>;
