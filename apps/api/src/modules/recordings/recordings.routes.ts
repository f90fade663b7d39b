import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  Recording,
  RecordingFrame,
  RecordingPolicy,
  RecordingQuery,
  RecordingSetting,
  RecordingSettings,
  SetRecording,
  InstanceRef,
  listOf,
  queryInt,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import type { Recordings } from './recordings.service.js';

const tags = ['recordings'];
const RecordingRef = z.object({ id: z.uuid() });
const FrameRef = RecordingRef.extend({ n: queryInt(0, 10_000_000) });
const RoleRef = z.object({ role: z.string().min(1).max(64) });

/**
 * Both policies change the same way: one flag, audited with its old and new value. The note is
 * set before the change so a refused or failed one is audited too.
 */
async function auditedPolicy(
  req: FastifyRequest,
  targetType: 'instance' | 'role',
  targetId: string,
  set: (by: string) => Promise<{ setting: RecordingSetting; was: boolean }>,
): Promise<RecordingSetting> {
  req.auditNote = { action: 'recording.policy', targetType, targetId };
  const { setting, was } = await set(principalOf(req).id);
  req.auditNote.before = { recorded: was };
  req.auditNote.after = { recorded: setting.enabled };
  return setting;
}

/** Which consoles are recorded, and the recordings: listed, replayed, deleted. */
export async function recordingRoutes(
  app: FastifyInstance,
  { recordings }: { recordings: Recordings },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/recording-policies',
    {
      config: { permission: 'recording.view' },
      schema: {
        tags,
        description:
          'What is recorded: instances ("<hostId>/<instanceId>") and roles whose consoles are.',
        response: { 200: listOf(RecordingPolicy) },
      },
    },
    async () => ({ items: await recordings.policies() }),
  );

  r.put(
    '/api/v1/recording-policies/instances/:id',
    {
      config: { permission: 'recording.manage' },
      schema: {
        tags,
        description:
          'Records every console of this instance from now on (or stops). Consoles already open keep their state; whoever opens one is told it is recorded.',
        params: InstanceRef,
        body: SetRecording,
        response: { 200: RecordingSetting },
      },
    },
    async (req) =>
      auditedPolicy(req, 'instance', req.params.id, (by) =>
        recordings.setInstance(by, req.params.id, req.body.enabled),
      ),
  );

  r.put(
    '/api/v1/recording-policies/roles/:role',
    {
      config: { permission: 'recording.manage' },
      schema: {
        tags,
        description:
          "Records every console opened by a user holding this role (a built-in role's name or a custom role's id), or stops.",
        params: RoleRef,
        body: SetRecording,
        response: { 200: RecordingSetting },
      },
    },
    async (req) =>
      auditedPolicy(req, 'role', req.params.role, (by) =>
        recordings.setRole(by, req.params.role, req.body.enabled),
      ),
  );

  r.get(
    '/api/v1/recording-settings',
    {
      config: { permission: 'recording.view' },
      schema: {
        tags,
        description: 'How long recordings are kept.',
        response: { 200: RecordingSettings },
      },
    },
    async () => recordings.settings(),
  );

  r.put(
    '/api/v1/recording-settings',
    {
      config: { permission: 'recording.manage' },
      schema: {
        tags,
        description:
          'Sets how long recordings are kept (days after they ended; null: for ever). A shorter retention deletes the older recordings at once; they are looked for every hour after.',
        body: RecordingSettings,
        response: { 200: RecordingSettings },
      },
    },
    async (req) => {
      req.auditNote = { action: 'recording.settings', targetType: 'recording-settings' };
      const { before, after } = await recordings.setSettings(req.body);
      req.auditNote.before = before;
      req.auditNote.after = after;
      return after;
    },
  );

  r.get(
    '/api/v1/recordings',
    {
      config: { permission: 'recording.view' },
      schema: {
        tags,
        description:
          'Console recordings, newest first; ?auditId= finds the recording of one console session (its console.open audit row).',
        querystring: RecordingQuery,
        response: { 200: listOf(Recording) },
      },
    },
    async (req) => ({ items: await recordings.list(req.query) }),
  );

  r.get(
    '/api/v1/recordings/:id',
    {
      config: { permission: 'recording.view' },
      schema: { tags, params: RecordingRef, response: { 200: Recording } },
    },
    async (req) => recordings.get(req.params.id),
  );

  r.get(
    '/api/v1/recordings/:id/cast',
    {
      config: { permission: 'recording.view' },
      schema: {
        tags,
        description:
          'A shell or serial recording as an asciicast v2 file (asciinema plays it too).',
        params: RecordingRef,
      },
    },
    async (req, reply) => {
      const file = await recordings.cast(req.params.id);
      return reply.type('application/x-asciicast').header('cache-control', 'no-store').send(file);
    },
  );

  r.get(
    '/api/v1/recordings/:id/frames',
    {
      config: { permission: 'recording.view' },
      schema: {
        tags,
        description: "A VNC recording's frames: each frame's number and seconds from the start.",
        params: RecordingRef,
        response: { 200: listOf(RecordingFrame) },
      },
    },
    async (req) => ({ items: await recordings.frames(req.params.id) }),
  );

  r.get(
    '/api/v1/recordings/:id/frames/:n',
    {
      config: { permission: 'recording.view' },
      schema: { tags, description: 'One frame of a VNC recording, a PNG.', params: FrameRef },
    },
    async (req, reply) => {
      const png = await recordings.frame(req.params.id, req.params.n);
      // A frame never changes once written.
      return reply.type('image/png').header('cache-control', 'private, max-age=86400').send(png);
    },
  );

  r.delete(
    '/api/v1/recordings/:id',
    {
      config: { permission: 'recording.manage' },
      schema: { tags, params: RecordingRef },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'recording.delete',
        targetType: 'recording',
        targetId: req.params.id,
      };
      const gone = await recordings.remove(req.params.id);
      req.auditNote.detail = { instanceId: gone.instanceId, kind: gone.kind, actor: gone.actor };
      return reply.status(204).send();
    },
  );
}
