import { z } from 'zod';

export const OperationStatus = z.enum(['running', 'succeeded', 'failed']);

/** Long work on the agent: create, template build, start, stop, delete. */
export const Operation = z.object({
  id: z.uuid(),
  kind: z.string().describe('e.g. instance.create, instance.start, template.build'),
  target: z.string().nullable().describe('instance id or template name'),
  status: OperationStatus,
  progress: z.number().int().min(0).max(100),
  message: z.string().nullable(),
  result: z.unknown().optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
export type Operation = z.infer<typeof Operation>;

export const OperationAccepted = z.object({ operation: Operation });
export type OperationAccepted = z.infer<typeof OperationAccepted>;

/** How long work reports how far it is: a percentage (0-100) and what it is doing now. */
export type Progress = (progress: number, message: string) => void;

export const OperationLogType = z.enum(['progress', 'step', 'command', 'note']);

/** A host command an operation ran: its argument array (secrets redacted), exit, time and stderr's tail. */
export const OperationCommand = z.object({
  cmd: z.string(),
  args: z.array(z.string()),
  code: z.number().int().nullable().describe('null: it still runs, or could not be started'),
  timedOut: z.boolean(),
  ms: z.number().int().min(0),
  stderr: z.string().describe('the last ~4 KB; stdout is not kept'),
});
export type OperationCommand = z.infer<typeof OperationCommand>;

/** One line of an operation's log: a progress point, a journal step, a host command, or a note. */
export const OperationLogLine = z.object({
  seq: z.number().int().min(0),
  at: z.iso.datetime(),
  type: OperationLogType,
  message: z.string(),
  progress: z.number().int().min(0).max(100).nullable(),
  command: OperationCommand.nullable(),
  failed: z.boolean().describe('a command that exited non-zero or timed out'),
});
export type OperationLogLine = z.infer<typeof OperationLogLine>;

/** Everything an operation logged, in order; a long log keeps its head and tail and notes the gap. */
export const OperationLog = z.object({
  operationId: z.uuid(),
  lines: z.array(OperationLogLine),
});
export type OperationLog = z.infer<typeof OperationLog>;
