import type { FastifyInstance } from 'fastify';
import {
  CreateSnapshotRequest,
  InstanceRef,
  RevertSnapshotRequest,
  SnapshotList,
  SnapshotRef,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { SyncQuery, TaskAnswer, instanceTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { SnapshotsService } from './snapshots.service.js';

export async function snapshotRoutes(
  app: FastifyInstance,
  { snapshots, tasks }: { snapshots: SnapshotsService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['snapshots'];

  r.get(
    '/api/v1/instances/:id/snapshots',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "An instance's snapshots as a tree (each names its parent), the one its present state descends from (`current`), and whether it can take snapshots at all (`supported`, with the reason when not: a container on a `dir` pool, a VM disk that is not qcow2).",
        params: InstanceRef,
        response: { 200: SnapshotList },
      },
    },
    async (req) => snapshots.list(req.params.id),
  );

  r.post(
    '/api/v1/instances/:id/snapshots',
    {
      config: { permission: 'instance.snapshot' },
      schema: {
        tags,
        description:
          'Take a snapshot, as a task. It becomes a child of the current snapshot and the new current. `withMemory` (a running VM) saves memory and device state too, so a revert resumes the VM where it was; the VM is paused while it is written. 409 for a name the instance has already.',
        params: InstanceRef,
        querystring: SyncQuery,
        body: CreateSnapshotRequest,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'snapshot.create',
        { snapshot: req.body.name, withMemory: req.body.withMemory ?? false },
        (by) => snapshots.take(by, req.params.id, req.body),
      );
    },
  );

  r.post(
    '/api/v1/instances/:id/snapshots/:snapshot/revert',
    {
      config: { permission: 'instance.snapshot' },
      schema: {
        tags,
        description:
          'Put the instance back as the snapshot has it, as a task; the snapshot becomes current, so a snapshot taken next starts a branch. A snapshot with memory leaves a VM running in the saved state. One without memory needs the instance stopped: a running one is stopped first only with `stopRunning: true` (else 409).',
        params: SnapshotRef,
        querystring: SyncQuery,
        body: optionalBody(RevertSnapshotRequest),
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'snapshot.revert',
        { snapshot: req.params.snapshot, stopRunning: req.body.stopRunning ?? false },
        (by) => snapshots.revert(by, req.params.id, req.params.snapshot, req.body),
      );
    },
  );

  r.delete(
    '/api/v1/instances/:id/snapshots/:snapshot',
    {
      config: { permission: 'instance.snapshot' },
      schema: {
        tags,
        description:
          'Delete a snapshot, as a task: its children hang from its parent (qcow2 merges nothing: the clusters only it held are freed). 404 for a snapshot the instance does not have.',
        params: SnapshotRef,
        querystring: SyncQuery,
        response: TaskAnswer,
      },
    },
    async (req, reply) => {
      return instanceTask(
        req,
        reply,
        tasks,
        'snapshot.delete',
        { snapshot: req.params.snapshot },
        (by) => snapshots.remove(by, req.params.id, req.params.snapshot),
      );
    },
  );
}
