import type { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ImportCtTemplate, ResourceName, Template, badRequest } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { CtCustomTemplates } from '../templates/ct-templates.js';

/** Container templates as files: exported to one tar, imported from it. */
export async function ctTemplateRoutes(
  app: FastifyInstance,
  { ctTemplates }: { ctTemplates: CtCustomTemplates },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/v1/templates/:name/export',
    { schema: { params: z.strictObject({ name: ResourceName }) } },
    async (req, reply) => {
      const { stream, sizeBytes } = await ctTemplates.export(req.params.name);
      return reply
        .header('content-type', 'application/x-tar')
        .header('content-length', sizeBytes)
        .send(stream);
    },
  );

  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/v1/templates/import',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        querystring: ImportCtTemplate.extend({
          sizeBytes: z.coerce.number().int().positive().optional(),
        }),
        response: { 201: Template },
      },
    },
    async (req, reply) => {
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest(
          'send the template as the raw body with content-type application/octet-stream',
        );
      }
      const length = Number(req.headers['content-length']);
      const declared = req.query.sizeBytes ?? (Number.isSafeInteger(length) ? length : null);
      return reply
        .status(201)
        .send(await ctTemplates.import(req.query.name, req.body as Readable, declared ?? null));
    },
  );
}
