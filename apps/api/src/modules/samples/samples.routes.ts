import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  ConfigSample,
  CreateSample,
  InstanceRef,
  LimitValidation,
  Limits,
  SampleDiff,
  SampleDiffQuery,
  ScaleRequest,
  SplitRequest,
  SplitResult,
  UpdateSample,
  listOf,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf, requirePermission } from '../../plugins/auth.js';
import type { Samples } from './samples.service.js';

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const tags = ['samples'];
const view = { permission: 'sample.view' as const };
const manage = { permission: 'sample.manage' as const };

/** What the audit row keeps of a sample. */
const recorded = (s: ConfigSample) => ({
  name: s.name,
  description: s.description,
  limits: s.limits,
});

export async function sampleRoutes(app: FastifyInstance, { samples }: { samples: Samples }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/samples',
    {
      config: view,
      schema: {
        tags,
        description: 'Built-in samples (small, medium, large; read-only) and custom ones.',
        response: { 200: listOf(ConfigSample) },
      },
    },
    async () => ({ items: await samples.list() }),
  );

  r.get(
    '/api/v1/samples/:id',
    { config: view, schema: { tags, params: IdParams, response: { 200: ConfigSample } } },
    async (req) => samples.get(req.params.id),
  );

  r.post(
    '/api/v1/samples',
    {
      config: manage,
      schema: {
        tags,
        description: 'Names are unique, built-in names included (409).',
        body: CreateSample,
        response: { 201: ConfigSample },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'sample.create',
        targetType: 'sample',
        detail: { name: req.body.name },
      };
      const created = await samples.create(req.body, principalOf(req).username);
      req.auditNote.targetId = created.id;
      req.auditNote.after = recorded(created);
      return reply.status(201).send(created);
    },
  );

  r.patch(
    '/api/v1/samples/:id',
    {
      config: manage,
      schema: {
        tags,
        description:
          'Built-in samples cannot be changed (409). Instances made from a sample keep their limits.',
        params: IdParams,
        body: UpdateSample,
        response: { 200: ConfigSample },
      },
    },
    async (req) => {
      req.auditNote = { action: 'sample.update', targetType: 'sample', targetId: req.params.id };
      const { before, after } = await samples.update(req.params.id, req.body);
      req.auditNote.before = recorded(before);
      req.auditNote.after = recorded(after);
      return after;
    },
  );

  r.delete(
    '/api/v1/samples/:id',
    {
      config: manage,
      schema: {
        tags,
        description: 'Built-in samples cannot be deleted (409).',
        params: IdParams,
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'sample.delete', targetType: 'sample', targetId: req.params.id };
      const gone = await samples.delete(req.params.id);
      req.auditNote.before = recorded(gone);
      return reply.status(204).send();
    },
  );

  r.post(
    '/api/v1/samples/split',
    {
      config: view,
      schema: {
        tags,
        description:
          "Computes (does not save) a sample for N equal instances from a host's CPUs, memory and disk, leaving the host its headroom. Needs host.view too.",
        body: SplitRequest,
        response: { 200: SplitResult },
      },
    },
    async (req) => {
      // It reads the host's capacity: no more than the host list would show.
      requirePermission(req, 'host.view');
      return samples.split(req.body.count, req.body.hostId);
    },
  );

  r.post(
    '/api/v1/samples/scale',
    {
      config: view,
      schema: {
        tags,
        description:
          "Computes (does not save) limits times a factor, each rounded to its unit; CPU affinity is kept, the CPU count follows the cap. A result past a field's range is a 400 naming it.",
        body: ScaleRequest,
        response: { 200: Limits },
      },
    },
    async (req) => samples.scale(req.body.limits, req.body.factor),
  );

  r.get(
    '/api/v1/instances/:id/limits/problems',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          "Checks an instance's limits against its host and themselves (swap without a memory limit, a cap above count × 100, CPUs that do not exist, more memory than the host…): each problem with its fix.",
        params: InstanceRef,
        response: { 200: LimitValidation },
      },
    },
    async (req) => samples.validate(req.params.id),
  );

  r.get(
    '/api/v1/instances/:id/sample-diff',
    {
      config: { permission: 'instance.view' },
      schema: {
        tags,
        description:
          'Dry run of applying a sample: before, after, each changed field with when it applies (live or at the next start), what is left out and why, and the problems after would have. Apply by sending `patch` as PATCH /api/v1/instances/{id} {limits} (instance.configure).',
        params: InstanceRef,
        querystring: SampleDiffQuery,
        response: { 200: SampleDiff },
      },
    },
    async (req) => {
      requirePermission(req, 'sample.view');
      return samples.diff(req.params.id, req.query.sample);
    },
  );
}
