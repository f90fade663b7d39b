import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  BuildTemplate,
  ImportCtTemplate,
  ResourceName,
  badRequest,
  TaskAccepted,
  Template,
  TemplateName,
  listOf,
  optionalBody,
} from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { principalOf } from '../../plugins/auth.js';
import { SyncQuery, replyWithTask } from '../tasks/task-reply.js';
import type { Tasks } from '../tasks/tasks.service.js';
import type { TemplatesService } from './templates.service.js';

const HostQuery = z.object({ hostId: z.string().optional() });

export async function templateRoutes(
  app: FastifyInstance,
  { templates, tasks }: { templates: TemplatesService; tasks: Tasks },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/templates',
    {
      config: { permission: 'template.view' },
      schema: {
        tags: ['templates'],
        querystring: HostQuery,
        response: { 200: listOf(Template.extend({ hostId: z.string() })) },
      },
    },
    async (req) => ({ items: await templates.list(req.query.hostId) }),
  );

  r.post(
    '/api/v1/templates/:name/build',
    {
      config: { permission: 'template.manage' },
      schema: {
        tags: ['templates'],
        description: 'Build (or rebuild) a template cache on a host; answers 202 with the task.',
        params: z.object({ name: TemplateName }),
        querystring: SyncQuery.extend(HostQuery.shape),
        body: optionalBody(BuildTemplate),
        response: { 200: TaskAccepted, 202: TaskAccepted },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'template.build',
        targetType: 'template',
        targetId: req.params.name,
      };
      const task = await templates.build(principalOf(req).id, req.params.name, {
        rebuild: req.body.rebuild,
        hostId: req.query.hostId,
      });
      return replyWithTask(req, reply, tasks, task, req.query.sync);
    },
  );

  r.get(
    '/api/v1/templates/:name/export',
    {
      // A container's whole filesystem, secrets and all: for those who may make templates.
      config: { permission: 'template.manage' },
      // zstd packed it already: gzip would spend the CPU for nothing and hide the length.
      compress: false,
      schema: {
        tags: ['templates'],
        description:
          'Download a container template (made from a container or imported) as one file: a tar holding berth-ct-template.json and rootfs.tar.zst, for POST /api/v1/templates/import on any Berth host.',
        params: z.strictObject({ name: ResourceName }),
        querystring: HostQuery,
      },
    },
    async (req, reply) => {
      const { body, sizeBytes } = await templates.exportCt(req.params.name, req.query.hostId);
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', sizeBytes)
        .header(
          'content-disposition',
          `attachment; filename="${req.params.name}.berth-template.tar"`,
        )
        .send(Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]));
    },
  );

  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.post(
    '/api/v1/templates/import',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      config: { permission: 'template.manage', rawBody: 'application/octet-stream' },
      schema: {
        tags: ['templates'],
        description:
          'Import a container template exported by a Berth host (GET /api/v1/templates/{name}/export), sent as the raw body with content-type application/octet-stream, under the name given. Free space for the file and its unpacked parts is checked against Content-Length before the first byte (507). A file that is not such an export is a 400 saying why; a name in use a 409. A refused or broken upload leaves no template.',
        querystring: ImportCtTemplate.extend(HostQuery.shape),
        response: { 201: Template.extend({ hostId: z.string() }) },
      },
    },
    async (req, reply) => {
      req.auditNote = {
        action: 'template.import',
        targetType: 'template',
        targetId: req.query.name,
      };
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest(
          'send the template as the raw body with content-type application/octet-stream',
        );
      }
      const length = Number(req.headers['content-length']);
      const declared = Number.isSafeInteger(length) && length > 0 ? length : null;
      const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
      const made = await templates.importCt(req.query.name, body, declared, req.query.hostId);
      req.auditNote.detail = { sizeBytes: made.sizeBytes };
      return reply.status(201).send(made);
    },
  );
}
