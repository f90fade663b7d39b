import { z } from 'zod';
import { queryInt } from './common.js';
import { ConsoleKind } from './consoles.js';

/**
 * Console recordings. Shells and serial ports are recorded as asciicast v2 (one JSON header
 * line, then one `[seconds, "o"|"i"|"r", data]` line per event), VNC screens as a PNG frame
 * every couple of seconds.
 */
export const RecordingFormat = z.enum(['asciicast-v2', 'frames']);
export type RecordingFormat = z.infer<typeof RecordingFormat>;

export const Recording = z.object({
  id: z.uuid(),
  hostId: z.string(),
  instanceId: z.string(),
  kind: ConsoleKind,
  shellId: z.string().nullable(),
  format: RecordingFormat,
  userId: z.string().nullable(),
  actor: z.string().describe('who used the console'),
  auditId: z.string().nullable().describe('the audit row of the console session (console.open)'),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable().describe('null while the console is open'),
  bytes: z.number().int().describe('bytes on disk'),
});
export type Recording = z.infer<typeof Recording>;

export const RecordingQuery = z
  .object({
    instanceId: z.uuid().optional(),
    userId: z.string().max(64).optional(),
    auditId: z.string().max(64).optional().describe('the recording of one console session'),
    limit: queryInt(1, 1000).default(100),
  })
  .strict();
export type RecordingQuery = z.infer<typeof RecordingQuery>;

/** One frame of a VNC recording: its number (for .../frames/{n}) and when it was taken. */
export const RecordingFrame = z.object({
  n: z.number().int().min(0),
  t: z.number().min(0).describe('seconds since the recording started'),
});
export type RecordingFrame = z.infer<typeof RecordingFrame>;

/** What is recorded: the consoles of one instance, or every console of a role's users. */
export const RecordingPolicy = z.object({
  id: z.uuid(),
  scope: z.enum(['instance', 'role']),
  target: z
    .string()
    .describe('"<hostId>/<instanceId>" or a role (built-in name or custom role id)'),
  createdById: z.string(),
  createdAt: z.iso.datetime(),
});
export type RecordingPolicy = z.infer<typeof RecordingPolicy>;

export const SetRecording = z.object({ enabled: z.boolean() }).strict();
export type SetRecording = z.infer<typeof SetRecording>;

/** Whether one instance's or role's consoles are recorded. */
export const RecordingSetting = z.object({
  scope: RecordingPolicy.shape.scope,
  target: z.string(),
  enabled: z.boolean(),
});
export type RecordingSetting = z.infer<typeof RecordingSetting>;

/** How long recordings are kept. */
export const RecordingSettings = z
  .object({
    retentionDays: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .nullable()
      .describe('recordings that ended longer ago than this are deleted; null keeps them all'),
  })
  .strict();
export type RecordingSettings = z.infer<typeof RecordingSettings>;
