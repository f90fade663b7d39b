import { z } from 'zod';
import { queryInt } from './common.js';

export const AuditOutcome = z.enum(['success', 'failure', 'denied']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

/** Changed fields by name, with their values before or after a change. */
export const FieldValues = z.record(z.string(), z.unknown());
export type FieldValues = z.infer<typeof FieldValues>;

export const AuditEvent = z.object({
  id: z.string(),
  seq: z.number().int().describe('position in the chain: 1, 2, …'),
  at: z.iso.datetime(),
  userId: z.string().nullable(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  outcome: AuditOutcome,
  detail: z.unknown().nullable(),
  before: FieldValues.nullable().describe('the changed fields before the change'),
  after: FieldValues.nullable().describe('and after it'),
  taskId: z.string().nullable(),
  taskOutcome: AuditOutcome.nullable().describe(
    "for a call that ran as a task: the outcome of the task's newest row (its end, once settled)",
  ),
  ip: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** What to look for in the log; each given filter narrows the rows. */
export const AuditFilter = z.object({
  actor: z.string().min(1).max(200).optional().describe('a user (and their tokens) by name'),
  action: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('actions starting with this, e.g. "instance."'),
  targetType: z.string().min(1).max(100).optional(),
  targetId: z.string().min(1).max(200).optional(),
  taskId: z.string().min(1).max(100).optional(),
  outcome: AuditOutcome.optional(),
  from: z.iso.datetime().optional().describe('at or after this instant'),
  to: z.iso.datetime().optional().describe('before this instant'),
  q: z.string().min(1).max(200).optional().describe('text in the action, target or detail'),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AUDIT_PAGE_MAX = 500;

export const AuditQuery = AuditFilter.extend({
  limit: queryInt(1, AUDIT_PAGE_MAX).default(100).describe('rows (or folded runs) on a page'),
  collapse: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true')
    .describe(
      'fold a run of identical events (same actor, action, target, outcome and content, each within 60 s of the next) into one row with a count; false: every row',
    ),
  cursor: queryInt(1, Number.MAX_SAFE_INTEGER)
    .optional()
    .describe("the previous page's nextCursor: rows older than it"),
}).strict();
export type AuditQuery = z.infer<typeof AuditQuery>;

/** A row of the list: one event, or the newest of a run of identical ones folded into it. */
export const AuditListItem = AuditEvent.extend({
  count: z.number().int().min(1).describe('how many identical events this row stands for'),
  firstAt: z.iso.datetime().describe('when the oldest of them happened (at: the newest)'),
  firstSeq: z.number().int().describe('the oldest one’s seq (seq: the newest one’s)'),
});
export type AuditListItem = z.infer<typeof AuditListItem>;

/** Newest first. */
export const AuditPage = z.object({
  items: z.array(AuditListItem),
  nextCursor: z.string().nullable().describe('null on the last page'),
});
export type AuditPage = z.infer<typeof AuditPage>;

export const AuditExportQuery = AuditFilter.extend({
  format: z.enum(['csv', 'json']).default('csv'),
}).strict();
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;

export const AuditVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int().describe('rows whose links held'),
  fromSeq: z
    .number()
    .int()
    .describe('where the walk started: 1, or the first row kept after pruning'),
  firstBroken: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }).nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerification>;

export const AuditSettings = z.object({
  retentionDays: z
    .number()
    .int()
    .min(1)
    .max(36500)
    .describe('rows older than this are pruned daily'),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

export const UpdateAuditSettings = AuditSettings.strict();
export type UpdateAuditSettings = z.infer<typeof UpdateAuditSettings>;
