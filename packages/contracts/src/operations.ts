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
