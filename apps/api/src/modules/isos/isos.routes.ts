import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Iso, IsoName, IsoQuota, IsoStoreUsage, badRequest, listOf } from '@berth/contracts';
import type { ZodTypeProvider } from '@berth/fastify-kit';
import type { IsosService } from './isos.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});
const NameParams = z.object({ name: IsoName });
const tags = ['isos'];

/** The ISO store: uploads are raw bodies, streamed on to the agent. */
export async function isoRoutes(app: FastifyInstance, { isos }: { isos: IsosService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/isos',
    {
      config: { permission: 'iso.view' },
      schema: { tags, querystring: HostQuery, response: { 200: listOf(Iso) } },
    },
    async (req) => isos.list(req.query.hostId),
  );

  r.get(
    '/api/v1/isos/store',
    {
      config: { permission: 'iso.view' },
      schema: {
        tags,
        description: "What the host's ISOs take together, and the quota in force for them.",
        querystring: HostQuery,
        response: { 200: IsoStoreUsage },
      },
    },
    async (req) => isos.usage(req.query.hostId),
  );

  r.put(
    '/api/v1/isos/store',
    {
      config: { permission: 'host.manage' },
      schema: {
        tags,
        description:
          "Set the host's ISO store quota (bytes, all ISOs together), or null for the host's own default. ISOs stored already stay.",
        querystring: HostQuery,
        body: IsoQuota,
        response: { 200: IsoStoreUsage },
      },
    },
    async (req) => {
      req.auditNote = { action: 'iso.quota', targetType: 'host', targetId: req.query.hostId };
      const { before, after } = await isos.setQuota(req.body.quotaBytes, req.query.hostId);
      req.auditNote.before = { quotaBytes: before.quotaBytes };
      req.auditNote.after = { quotaBytes: after.quotaBytes };
      return after;
    },
  );

  app.addContentTypeParser('application/octet-stream', (_req, payload, done) =>
    done(null, payload),
  );
  r.put(
    '/api/v1/isos/:name',
    {
      bodyLimit: Number.MAX_SAFE_INTEGER,
      config: { permission: 'iso.manage', rawBody: 'application/octet-stream' },
      schema: {
        tags,
        description:
          'Upload an ISO 9660 or UDF image as the raw body (content-type: application/octet-stream); answers with its SHA-256. Anything else is a 400; an upload past the size limit or the store quota is a 413 (checked against Content-Length up front, and counted as it streams), too little free space a 507. A refused or broken upload leaves no file.',
        params: NameParams,
        querystring: HostQuery,
        response: { 201: Iso },
      },
    },
    async (req, reply) => {
      req.auditNote = { action: 'iso.upload', targetType: 'iso', targetId: req.params.name };
      if (!req.headers['content-type']?.startsWith('application/octet-stream')) {
        throw badRequest('send the ISO as the raw body with content-type application/octet-stream');
      }
      const length = Number(req.headers['content-length']);
      const declared = Number.isSafeInteger(length) && length > 0 ? length : null;
      const body = Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>;
      const iso = await isos.upload(req.params.name, body, declared, req.query.hostId);
      req.auditNote.detail = { sizeBytes: iso.sizeBytes, sha256: iso.sha256 };
      return reply.status(201).send(iso);
    },
  );

  r.delete(
    '/api/v1/isos/:name',
    {
      config: { permission: 'iso.manage' },
      schema: { tags, params: NameParams, querystring: HostQuery },
    },
    async (req, reply) => {
      req.auditNote = { action: 'iso.delete', targetType: 'iso', targetId: req.params.name };
      await isos.delete(req.params.name, req.query.hostId);
      return reply.status(204).send();
    },
  );
}
