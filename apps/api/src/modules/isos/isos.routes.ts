import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { InstanceRef, Iso, IsoName, badRequest, conflict } from '@berth/contracts';
import { type ZodTypeProvider } from '@berth/fastify-kit';
import type { Hosts } from '../agents/hosts.js';
import { requireRole } from '../auth/plugin.js';
import type { InstancesService } from './instances/instances.service.js';

const HostQuery = z.object({
  hostId: z.string().optional().describe('defaults to the local host'),
});

/** VM screenshots and the ISO store: binary bodies, relayed without buffering uploads. */
export async function mediaRoutes(
  app: FastifyInstance,
  { hosts, instances }: { hosts: Hosts; instances: InstancesService },
) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/api/v1/instances/:id/screenshot',
    { schema: { tags: ['instances'], description: "PNG of a VM's screen", params: InstanceRef } },
    async (req, reply) => {
      requireRole(req, 'viewer');
      const png = await instances.screenshot(req.params.id);
      return reply.type('image/png').header('cache-control', 'no-store').send(png);
    },
  );

  r.get(
    '/api/v1/isos',
    {
      schema: {
        tags: ['isos'],
        querystring: HostQuery,
        response: { 200: z.object({ items: z.array(Iso) }) },
      },
    },
    async (req) => {
      requireRole(req, 'viewer');
      return hosts.client(req.query.hostId ?? hosts.defaultHostId()).isos();
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
        params: z.object({ name: IsoName }),
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
      const client = hosts.client(req.query.hostId ?? hosts.defaultHostId());
      // Asked first: an agent that refuses mid-stream can only drop the connection, which reads as unreachable.
      if ((await client.isos()).items.some((i) => i.name === req.params.name)) {
        throw conflict(`an ISO named ${req.params.name} exists already; delete it first`);
      }
      const iso = await client.putIso(
        req.params.name,
        Readable.toWeb(req.body as Readable) as ReadableStream<Uint8Array>,
      );
      req.auditNote.detail = { sizeBytes: iso.sizeBytes, sha256: iso.sha256 };
      return reply.status(201).send(iso);
    },
  );

  r.delete(
    '/api/v1/isos/:name',
    { schema: { tags: ['isos'], params: z.object({ name: IsoName }), querystring: HostQuery } },
    async (req, reply) => {
      req.auditNote = { action: 'iso.delete', targetType: 'iso', targetId: req.params.name };
      requireRole(req, 'operator');
      await hosts.client(req.query.hostId ?? hosts.defaultHostId()).deleteIso(req.params.name);
      return reply.status(204).send();
    },
  );
}
