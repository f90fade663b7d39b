import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Iso, IsoName, badRequest, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import { requireRole } from '../../plugins/auth.js';
import type { IsosService } from './isos.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});
const NameParams = z.object({ name: IsoName });

/** The ISO store: uploads are raw bodies, streamed on to the agent. */
export async function isoRoutes(app: FastifyInstance, { isos }: { isos: IsosService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/isos',
    { schema: { tags: ['isos'], querystring: HostQuery, response: { 200: listOf(Iso) } } },
    async (req) => {
      requireRole(req, 'viewer');
      return isos.list(req.query.hostId);
    },
  );

  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/api/v1/isos/:name',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      schema: {
        tags: ['isos'],
        description:
          'Upload an ISO as the raw body (content-type: application/octet-stream); answers with its SHA-256.',
        params: NameParams,
        querystring: HostQuery,
        response: { 201: Iso },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'iso.upload', targetType: 'iso', targetId: req.params.name };
      requireRole(req, 'operator');
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest('send the ISO as the raw body with content-type application/octet-stream');
      }
      const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
      const iso = await isos.upload(req.params.name, body, req.query.hostId);
      req.auditNote.detail = { sizeBytes: iso.sizeBytes, sha256: iso.sha256 };
      return reply.status(201).send(iso);
    },
  );

  r.delete(
    '/api/v1/isos/:name',
    { schema: { tags: ['isos'], params: NameParams, querystring: HostQuery } },
    async (req, reply) => {
      req.auditNote = { action: 'iso.delete', targetType: 'iso', targetId: req.params.name };
      requireRole(req, 'operator');
      await isos.delete(req.params.name, req.query.hostId);
      return reply.status(204).send();
    },
  );
}
